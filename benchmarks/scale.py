"""Scale benchmark: build time, search latency, memory and recall at 10k, 100k and 1M paragraphs.

Lexical part: paragraphs recombined from the sentences of the eleven declarations
(../shared/declarations/*.txt, ``--declarations`` names another folder), indexed with bm25s and
searched with the project's tokenizer and :class:`qa.search.lexical.LexicalIndex`, using the questions
of eval/calibration.jsonl. Vector part: synthetic 384-d unit vectors (embedding a million
paragraphs with the model would take hours) searched with :class:`VectorIndex` of every kind;
queries are perturbed copies of stored vectors, and recall@10 is measured against exact search.
Latencies are single queries, k=10, excluding the model. Each size runs in its own process so
memory figures do not mix. A second table gives the vectors of a whole index, sentences included
(3.1 a paragraph, as in the real corpus), from each kind's measured bytes per vector.

    .venv/bin/python -m benchmarks.scale [--sizes 10000 100000 1000000] [--kinds flat hnsw hnsw-sq8 ivf]
        [--vectors declarations|topics|uniform] [--sweep] [--json results.json] [--keep DIR]
        [--shared DIR] [--declarations DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.common import EVAL, add_data_options, declarations_dir, time_each
from embeddings.vector_index import (
    HNSW_EF_CONSTRUCTION,
    HNSW_M,
    IVF_CELLS_PER_SQRT_N,
    IndexKind,
    VectorIndex,
)

DIM = 384
K = 10
#: Single queries timed per index: enough for a stable p95 (the 10th-slowest of 200).
LATENCY_QUERIES = 200
#: A flat scan of 1M vectors takes ~0.1 s a query; fewer of them keep the run short.
FLAT_LATENCY_BUDGET_S = 15.0
#: Held-out queries for recall@10 (each recall figure is a mean over these).
RECALL_QUERIES = 500
#: Paragraphs whose tokenisation is timed; the rest is extrapolated (it is linear, per text).
TOKENIZE_SAMPLE = 20_000
#: Shares of ids filtered searches allow: whole declarations (blocks of DOCUMENT_SIZE rows), as
#: when a question names a year or an issuer. VectorIndex scans 10% exactly and walks the graph
#: for 30% (FILTER_EXACT_SHARE is 20%); the sweep filters with the last share.
FILTER_SHARES = (0.1, 0.3)
#: efSearch (HNSW), nprobe (IVF) and the refine factor (fast scan) tried with --sweep.
SWEEP = {"hnsw": [16, 32, 64, 128, 256, 512, 1024], "hnsw-sq8": [64, 128, 256, 512], "ivf": [8, 16, 32, 64, 128, 256],
         "fastscan-fp16": [1, 2, 3, 4, 8]}
#: Sentences per paragraph in the real corpus (2,217 sentences in 711 paragraphs): the app
#: indexes a vector per sentence as well as per paragraph, so its vectors are 4.1 per paragraph.
SENTENCES_PER_PARAGRAPH = 3.1


@dataclass
class VectorRow:
    """One index kind at one size."""

    kind: str
    build_s: float
    rss_mib: float  # resident memory the built index added
    file_mib: float  # bytes of the saved index
    p50_ms: float
    p95_ms: float
    recall_at_10: float
    effort: int
    filtered: list[dict[str, float]]  # per FILTER_SHARES: share, p50_ms, recall_at_10
    sweep: list[dict[str, float]] = field(default_factory=list)


@dataclass
class SizeResult:
    """Everything measured at one corpus size."""

    size: int
    vectors: str
    bm25_tokenize_s: float
    bm25_build_s: float
    bm25_rss_mib: float
    bm25_p50_ms: float
    bm25_p95_ms: float
    exact_numpy_p50_ms: float  # `vectors @ q` plus top-k, as a brute-force caller pays
    rows: list[VectorRow]
    peak_rss_mib: float


# ----- memory and timing --------------------------------------------------------------------


def _status_mib(field_name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib() -> float:
    return _status_mib("VmRSS")


def percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(np.asarray(seconds) * 1000, [50, 95])
    return round(float(p50), 3), round(float(p95), 3)


# ----- synthetic vectors --------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """How synthetic vectors are spread: weights of the parts each vector sums before normalising."""

    decay: float  # std of principal axis i is i ** -decay (a decaying spectrum, as embeddings have)
    shared: float  # the direction all embeddings share (their mean is far from 0)
    document: float  # a declaration's own direction (0: no document level)
    topic: float  # a topic of about TOPIC_SIZE paragraphs within it
    spread: float  # each paragraph's own scatter


#: Calibrated on real all-MiniLM-L6-v2 vectors, at the two sizes at hand:
#: - the 541 paragraphs of corpus/ (11 declarations): mean nearest-neighbour cosine 0.71 (10th:
#:   0.56), mean pair cosine 0.26, PCA participation ratio 38. 541 vectors of "declarations"
#:   give 0.72, 0.64, 0.28, 36; of "topics" 0.70, 0.56, 0.26, 42.
#: - 29,492 SQuAD paragraph and sentence vectors: HNSW (M=32, efConstruction=200, efSearch=16)
#:   finds 0.996 of the exact top 10 of perturbed-copy queries; on as many "declarations"
#:   vectors 0.998, on "topics" vectors 0.963.
#: So "declarations" (documents of topics) is the expected case and "topics" (no document
#: level, wide scatter) the stress case. "uniform" is the degenerate one: every neighbour is
#: nearly as far as any other (recall 0.74 there), which no real corpus looks like.
SHAPES = {
    "declarations": Shape(decay=0.3, shared=0.78, document=0.8, topic=0.6, spread=0.9),
    "topics": Shape(decay=0.42, shared=0.78, document=0.0, topic=1.0, spread=1.0),
    "uniform": Shape(decay=0.0, shared=0.0, document=0.0, topic=0.0, spread=1.0),
}
DOCUMENT_SIZE = 60  # paragraphs per declaration
TOPIC_SIZE = 12  # paragraphs per topic


class SyntheticVectors:
    """Unit vectors of a :class:`Shape`, and queries that are perturbed copies of them."""

    def __init__(self, size: int, shape: Shape, *, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.shape = shape
        rotation, _ = np.linalg.qr(self.rng.standard_normal((DIM, DIM)))
        scale = np.arange(1, DIM + 1) ** -shape.decay
        self.basis = (rotation * (scale / np.linalg.norm(scale))).T.astype(np.float32)
        shared = self.rng.standard_normal(DIM)
        self.shared = (shape.shared * shared / np.linalg.norm(shared)).astype(np.float32)
        documents = self._shaped(max(1, size // DOCUMENT_SIZE))
        topics = max(1, size // TOPIC_SIZE)
        self.topics = (shape.document * documents[self.rng.integers(0, len(documents), topics)]
                       + shape.topic * self._shaped(topics))

    def _shaped(self, n: int) -> np.ndarray:
        """n Gaussian vectors with the shape's spectrum (expected squared norm 1)."""
        return self.rng.standard_normal((n, DIM), dtype=np.float32) @ self.basis

    def sample(self, n: int, *, chunk: int = 100_000) -> np.ndarray:
        """n unit vectors, generated in chunks to bound temporary memory."""
        out = np.empty((n, DIM), dtype=np.float32)
        for lo in range(0, n, chunk):
            m = min(chunk, n - lo)
            block = self.shared + self.topics[self.rng.integers(0, len(self.topics), m)] + self.shape.spread * self._shaped(m)
            out[lo : lo + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
        return out

    def queries(self, stored: np.ndarray, n: int, *, noise: float = 0.5) -> np.ndarray:
        """Perturbed copies of n random stored vectors (cosine about 0.9 to their source)."""
        source = stored[self.rng.choice(len(stored), n, replace=False)]
        block = source + noise * self._shaped(n)
        return (block / np.linalg.norm(block, axis=1, keepdims=True)).astype(np.float32)


# ----- lexical part -------------------------------------------------------------------------


def corpus_sentences(folder: Path) -> list[str]:
    sentences = []
    for path in sorted(folder.glob("*.txt")):
        for part in re.split(r"(?<=[.;:!?])\s+", path.read_text(encoding="utf-8")):
            if len(part.split()) >= 4:
                sentences.append(" ".join(part.split()))
    return sentences


def calibration_questions() -> list[str]:
    lines = (EVAL / "calibration.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def bench_lexical(size: int, rng: np.random.Generator, declarations: Path) -> dict[str, float]:
    """bm25s over ``size`` paragraphs of 3-7 recombined corpus sentences (~120 words, as real)."""
    import bm25s

    from qa.search.lexical import METHOD, LexicalIndex, tokenize

    sentences = corpus_sentences(declarations)
    lengths = rng.integers(3, 8, size)
    picks = rng.integers(0, len(sentences), int(lengths.sum()))
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    sample = min(size, TOKENIZE_SAMPLE)
    start = time.perf_counter()
    for i in range(sample):
        tokenize(" ".join(sentences[j] for j in picks[bounds[i] : bounds[i + 1]]))
    tokenize_s = (time.perf_counter() - start) * size / sample
    # The same tokens for every paragraph, cheaply: each sentence is tokenised once.
    vocab: dict[str, int] = {}
    sentence_ids = [[vocab.setdefault(t, len(vocab)) for t in tokenize(s)] for s in sentences]
    docs = [list(itertools.chain.from_iterable(sentence_ids[j] for j in picks[bounds[i] : bounds[i + 1]]))
            for i in range(size)]
    before = rss_mib()
    start = time.perf_counter()
    bm25 = bm25s.BM25(method=METHOD)
    bm25.index((docs, vocab), show_progress=False)
    build_s = time.perf_counter() - start
    del docs
    index = LexicalIndex(bm25)

    def query(text: str) -> None:
        scores = index.scores(tokenize(text))
        np.argpartition(-scores, K)[:K]

    questions = calibration_questions()
    times = time_each(query, (questions * (LATENCY_QUERIES // len(questions) + 1))[:LATENCY_QUERIES])
    p50, p95 = percentiles_ms(times)
    return {"bm25_tokenize_s": round(tokenize_s, 2), "bm25_build_s": round(build_s, 2),
            "bm25_rss_mib": round(rss_mib() - before, 1), "bm25_p50_ms": p50, "bm25_p95_ms": p95}


# ----- vector part --------------------------------------------------------------------------


def recall_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    hits = [len(np.intersect1d(f, e)) for f, e in zip(found, exact)]
    return round(float(np.sum(hits) / exact.size), 4)


@dataclass
class Workload:
    """Vectors, held-out queries, and the exact answers an index is checked against."""

    name: str  # the shape
    vectors: np.ndarray
    queries: np.ndarray
    exact: np.ndarray  # (queries, K) ids
    filters: list[tuple[float, np.ndarray, np.ndarray]]  # share, bool mask, exact ids


def built(kind: IndexKind, work: Workload, keep: Path | None) -> tuple[VectorIndex, float, float, float]:
    """The index with its build seconds, RSS MiB added and file MiB; reused from ``keep`` if saved there."""
    path = None
    if keep is not None:  # the vectors are seeded, so a saved index of the same recipe is the same index
        recipe = f"{work.name}-{len(work.vectors)}-{kind.value}-M{HNSW_M}-efc{HNSW_EF_CONSTRUCTION}-ivf{IVF_CELLS_PER_SQRT_N}"
        path = keep / f"{recipe}.faiss"
        if path.is_file():
            before = rss_mib()
            index = VectorIndex.load(path, dimension=DIM, count=len(work.vectors))
            added = rss_mib() - before
            build_s = json.loads(path.with_suffix(".json").read_text())["build_s"]
            return index, build_s, added, path.stat().st_size / 2**20
    before = rss_mib()
    start = time.perf_counter()
    index = VectorIndex.build(work.vectors, kind=kind)
    build_s = time.perf_counter() - start
    added = rss_mib() - before
    with tempfile.TemporaryDirectory() as folder:
        target = path or Path(folder) / "vectors.faiss"
        index.save(target)
        file_mib = target.stat().st_size / 2**20
    if path is not None:
        path.with_suffix(".json").write_text(json.dumps({"build_s": build_s}))
    return index, build_s, added, file_mib


def bench_kind(kind: IndexKind, work: Workload, sweep: bool, keep: Path | None) -> VectorRow:
    index, build_s, added, file_mib = built(kind, work, keep)
    queries = work.queries
    probe = time_each(lambda q: index.search(q, K), queries[:3])
    budget = max(20, min(LATENCY_QUERIES, int(FLAT_LATENCY_BUDGET_S / max(np.median(probe), 1e-6))))
    p50, p95 = percentiles_ms(time_each(lambda q: index.search(q, K), queries[:budget]))
    _, found = index.search(queries, K)
    filtered = []
    for share, allowed, exact in work.filters:
        times = time_each(lambda q, allowed=allowed: index.search(q, K, allowed=allowed), queries[:budget])
        _, found_filtered = index.search(queries, K, allowed=allowed)
        filtered.append({"share": share, "p50_ms": percentiles_ms(times)[0], "recall_at_10": recall_at_k(found_filtered, exact)})
    row = VectorRow(kind.value, round(build_s, 2), round(added, 1), round(file_mib, 1), p50, p95,
                    recall_at_k(found, work.exact), index.effort, filtered)
    for effort in SWEEP.get(kind.value, []) if sweep else []:
        point: dict[str, float] = {"effort": effort}
        for label, allowed, exact in (("", None, work.exact), ("filtered_", *work.filters[-1][1:])):
            times = time_each(lambda q, allowed=allowed, effort=effort: index.search(q, K, allowed=allowed, effort=effort),
                              queries[:LATENCY_QUERIES])
            _, found = index.search(queries, K, allowed=allowed, effort=effort)
            point |= {f"{label}p50_ms": percentiles_ms(times)[0], f"{label}recall_at_10": recall_at_k(found, exact)}
        row.sweep.append(point)
    return row


def bench_size(size: int, kinds: list[str], shape: str, sweep: bool, keep: Path | None,
               declarations: Path) -> SizeResult:
    rng = np.random.default_rng(size)
    lexical = bench_lexical(size, rng, declarations)
    gen = SyntheticVectors(size, SHAPES[shape], seed=1)
    vectors = gen.sample(size)
    queries = gen.queries(vectors, max(RECALL_QUERIES, LATENCY_QUERIES))

    def numpy_top_k(q: np.ndarray) -> None:
        scores = vectors @ q
        np.argpartition(-scores, K)[:K]

    # numpy's BLAS splits one product over both cores; when another process holds one, the
    # product waits for its second thread to be scheduled (p50 8 ms instead of 0.1 ms at 10k
    # while other work ran). VectorIndex runs single queries on one thread for this reason.
    numpy_p50, _ = percentiles_ms(time_each(numpy_top_k, queries[:50]))
    exact_index = VectorIndex.build(vectors, kind=IndexKind.FLAT)
    _, exact = exact_index.search(queries, K)  # batched: BLAS makes the reference cheap
    filters = []
    for share in FILTER_SHARES:
        documents = rng.random(size // DOCUMENT_SIZE + 1) < share
        allowed = np.repeat(documents, DOCUMENT_SIZE)[:size]
        filters.append((share, allowed, exact_index.search(queries, K, allowed=allowed)[1]))
    del exact_index
    work = Workload(shape, vectors, queries, exact, filters)
    rows = [bench_kind(IndexKind(k), work, sweep, keep) for k in kinds]
    return SizeResult(size, shape, exact_numpy_p50_ms=numpy_p50, rows=rows,
                      peak_rss_mib=round(_status_mib("VmHWM"), 1), **lexical)


def _worker(args: tuple[int, list[str], str, bool, Path | None, Path]) -> dict:
    return asdict(bench_size(*args))


# ----- report -------------------------------------------------------------------------------


def markdown(results: list[dict]) -> str:
    lines = [
        "| paragraphs | index | build s | +RSS MiB | file MiB | p50 ms | p95 ms | recall@10 "
        + "".join(f"| {share:.0%} allowed: p50 ms | recall@10 " for share in FILTER_SHARES) + "|",
        "|---:|---|" + "---:|" * (6 + 2 * len(FILTER_SHARES)),
    ]
    blanks = " |" * 2 * len(FILTER_SHARES)
    for r in results:
        lines.append(f"| {r['size']:,} | bm25 (tokenise {r['bm25_tokenize_s']} s) | {r['bm25_build_s']} | "
                     f"{r['bm25_rss_mib']} | | {r['bm25_p50_ms']} | {r['bm25_p95_ms']} | |{blanks}")
        lines.append(f"| {r['size']:,} | numpy `V @ q` | | | | {r['exact_numpy_p50_ms']} | | 1.0 |{blanks}")
        for row in r["rows"]:
            breadth = {IndexKind.FASTSCAN: "refine x", IndexKind.IVF: "nprobe="}.get(IndexKind(row["kind"]), "efSearch=")
            name = row["kind"] + (f" ({breadth}{row['effort']})" if not IndexKind(row["kind"]).is_scan else "")
            lines.append(f"| {r['size']:,} | {name} | {row['build_s']} | {row['rss_mib']} | {row['file_mib']} | "
                         f"{row['p50_ms']} | {row['p95_ms']} | {row['recall_at_10']} | "
                         + "".join(f"{f['p50_ms']} | {f['recall_at_10']} | " for f in row["filtered"]))
    lines += ["", *with_sentences(results)]
    sweeps = [(r["size"], row) for r in results for row in r["rows"] if row["sweep"]]
    if sweeps:
        lines += ["", "| paragraphs | index | effort | p50 ms | recall@10 | "
                  f"{FILTER_SHARES[-1]:.0%} allowed: p50 ms | recall@10 |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for size, row in sweeps:
            lines += [f"| {size:,} | {row['kind']} | {s['effort']} | {s['p50_ms']} | {s['recall_at_10']} | "
                      f"{s['filtered_p50_ms']} | {s['filtered_recall_at_10']} |" for s in row["sweep"]]
    return "\n".join(lines)


def with_sentences(results: list[dict]) -> list[str]:
    """The vectors of a whole index: paragraphs plus SENTENCES_PER_PARAGRAPH sentences each,
    from each kind's measured file size per vector (the saved file is what a load reads)."""
    lines = [f"| paragraphs | sentences ({SENTENCES_PER_PARAGRAPH} each) | index | bytes a vector | paragraph vectors MiB "
             "| sentence vectors MiB | all vectors MiB | recall@10 |", "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in results:
        sentences = int(r["size"] * SENTENCES_PER_PARAGRAPH)
        for row in r["rows"]:
            per_vector = row["file_mib"] * 2**20 / r["size"]
            sentence_mib = per_vector * sentences / 2**20
            lines.append(f"| {r['size']:,} | {sentences:,} | {row['kind']} | {per_vector:,.0f} | {row['file_mib']:,.1f} | "
                         f"{sentence_mib:,.1f} | {row['file_mib'] + sentence_mib:,.1f} | {row['recall_at_10']} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--kinds", nargs="+", default=[k.value for k in IndexKind], choices=[k.value for k in IndexKind])
    parser.add_argument("--vectors", choices=list(SHAPES), default="declarations", help="shape of the synthetic vectors")
    parser.add_argument("--sweep", action="store_true", help="also try several efSearch / nprobe values")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="save built indexes here and reuse them on the next run (a 1M HNSW takes ~17 min)")
    add_data_options(parser, squad=False)
    args = parser.parse_args(argv)
    declarations = declarations_dir(args)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = []
    context = multiprocessing.get_context("spawn")  # a fresh process per size: clean RSS figures
    for size in args.sizes:
        with context.Pool(1) as pool:
            result = pool.apply(_worker, ((size, args.kinds, args.vectors, args.sweep, args.keep, declarations),))
        results.append(result)
        print(f"[{size:,} done]", file=sys.stderr, flush=True)
    print(markdown(results))
    print()
    print(json.dumps({"threads": os.cpu_count(), "results": results}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

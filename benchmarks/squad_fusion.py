"""Which retrieval recipe ranks the answering paragraph first? Every variant, one table.

Two sets, every question asked of ALL paragraphs of its set:

- SQuAD v1.1 (dev half a: 913 paragraphs, 4,961 questions). all-MiniLM-L6-v2 was trained on
  SQuAD, so it flatters the dense side.
- eval/declarations.jsonl over the declarations in ../shared/declarations (215 answerable
  questions, 711 paragraphs): the real measure. Any listed paragraph (``paragraphs`` and
  ``also``) counts as gold.

Columns: recall@k and MRR@20; ``sent`` is answer-sentence accuracy: the highlighted sentence
of the top hit contains a gold answer (SQuAD, any paragraph) or overlaps the evidence in a
gold paragraph (declarations); ``sent|hit`` is the same among questions whose top hit is gold.

Signals are computed once per question over all paragraphs and sentences (matrices), so a
variant is a few array operations; the shipped recipe is also run end to end through
``HybridIndex.search`` (candidate sets, FAISS) with its latency against encoding alone.
Embeddings are cached in the cache ``qa eval --squad`` fills (.qa-index/eval-cache, git-ignored):
the model embeds each text once.

    .venv/bin/python -m benchmarks.squad_fusion [--shared DIR] [--squad FILE] [--declarations DIR]
        [--limit N] [--latency 200]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from benchmarks.common import (
    EVAL_CACHE,
    Bench,
    add_data_options,
    cache_dir,
    cached_encoder,
    declarations_dir,
    load_declarations,
    load_squad,
    squad_file,
)
from benchmarks.fusion_bench import Signals, compute_signals, score_variant
from benchmarks.fusion_variants import VARIANTS
from qa.search.fusion import Weights

COLUMNS = {"squad": ("R@1", "R@5", "R@20", "MRR", "sent", "sent|hit"),
           "declarations": ("R@1", "R@3", "R@5", "MRR", "sent", "sent|hit")}


def _header() -> str:
    cells = [f"{'variant':<58}"] + [f"SQ {c}" for c in COLUMNS["squad"]] + [f"DE {c}" for c in COLUMNS["declarations"]]
    return "| " + " | ".join(cells) + " |\n|" + "|".join("-" * (len(c) + 2) for c in cells) + "|"


def _row(name: str, results: dict[str, dict[str, float]]) -> str:
    cells = [f"{name:<58}"]
    for bench, cols in COLUMNS.items():
        got = results.get(bench, {})
        cells += [f"{got[c]:.3f}".rjust(len(c) + 3) if c in got else " " * (len(c) + 3) for c in cols]
    return "| " + " | ".join(cells) + " |"


def end_to_end(bench: Bench, signals: Signals) -> dict[str, float]:
    """The shipped index through its own search path (candidates, FAISS, fuse, highlight)."""
    ranked = []
    for i, question in enumerate(bench.questions):
        ev = bench.index.evidence(question, k=20, vector=signals.queries[i])
        ranked.append(bench.index.rank(ev, k=20))
    return bench.metrics([[r.row for r in rs] for rs in ranked], [rs[0].sentence for rs in ranked])


def latency(bench: Bench, encoder, count: int) -> dict[str, float]:
    """p50 of encoding a question alone and of a whole search (which encodes it too), in ms of
    wall-clock and of process CPU time (CPU time is steadier on a shared, busy machine)."""
    index = bench.index
    index.encoder = encoder
    questions = bench.questions[:count]
    for q in questions[:10]:  # warm up both paths
        encoder.encode([q]), index.search(q, k=10)
    times: dict[str, list[float]] = {"encode wall": [], "search wall": [], "encode cpu": [], "search cpu": []}
    for q in questions:
        for name, call in (("encode", lambda q=q: encoder.encode([q])), ("search", lambda q=q: index.search(q, k=10))):
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            times[f"{name} wall"].append(time.perf_counter() - wall)
            times[f"{name} cpu"].append(time.process_time() - cpu)
    return {name: 1000 * float(np.median(values)) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_options(parser)
    parser.add_argument("--limit", type=int, default=None, help="first N SQuAD questions only")
    parser.add_argument("--latency", type=int, default=200, help="questions timed end to end (0: skip)")
    args = parser.parse_args(argv)

    cached = cached_encoder(cache_dir(EVAL_CACHE))
    real = cached.encoder
    benches = [load_squad(squad_file(args), cached, limit=args.limit)]
    declarations = load_declarations(declarations_dir(args), cached)
    if declarations is not None:
        benches.append(declarations)
    signals = {}
    for bench in benches:
        started = time.perf_counter()
        signals[bench.name] = compute_signals(bench, cached)
        print(f"{bench.name}: {len(bench.questions)} questions, {len(bench.texts)} paragraphs, "
              f"{len(bench.index._p.spans)} sentences; signals in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)

    print(_header())
    for variant in VARIANTS:
        if variant.section:
            print(_row(f"**{variant.section}**", {}))
        results = {b.name: score_variant(b, signals[b.name], variant) for b in benches}
        print(_row(variant.name, results), flush=True)
    shipped = {b.name: end_to_end(b, signals[b.name]) for b in benches}
    print(_row("SHIPPED: HybridIndex.search end to end (candidates, FAISS)", shipped))
    print(f"\nWeights: {Weights()}")
    if args.latency:
        ms = latency(benches[0], real, args.latency)
        for clock in ("wall", "cpu"):
            print(f"Latency over {args.latency} SQuAD questions ({clock}): encode alone p50 {ms['encode ' + clock]:.1f} ms, "
                  f"search p50 {ms['search ' + clock]:.1f} ms ({ms['search ' + clock] / ms['encode ' + clock]:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

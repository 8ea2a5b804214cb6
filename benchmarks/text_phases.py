"""Sentence splitting and entity tagging of an index build, on one core and on every core.

An index build of the whole ../shared library spent 83 s splitting paragraphs (pysbd) and 119 s
tagging sentences (spaCy) on one core. qa/text/parallel.py runs both on every core when many
texts are new; this times, on the same texts in one run, the serial path and the parallel one
(``map_chunks`` with the build's chunk sizes, the pool's start included), and checks that both
give the same result. The texts are those a build splits and tags: every distinct paragraph,
and every distinct whole sentence (qa.text.sentences.sentence_extents) of them.

The paragraphs come from the declarations a built index keeps (``--index``: a build of the
whole library, e.g. the one ``benchmarks.archive --build`` makes), else from reading the
library's folders (slow: 328 PDFs).

    nice -n 10 .venv/bin/python -m benchmarks.text_phases --index /tmp/build-bench-index [--sample 5000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from benchmarks.common import add_data_options, archive_library
from qa.text import entities, sentence_cache
from qa.text.entities import entities_of
from qa.text.parallel import cores, map_chunks
from qa.text.sentences import sentence_extents, sentence_spans_of


def paragraphs(args: argparse.Namespace) -> list[str]:
    """Every distinct paragraph of the library (a seeded sample of ``--sample`` of them)."""
    from qa.index.build import DECLARATIONS
    from qa.index.declarations_file import read_declarations
    from qa.index.store import IndexStore

    current = IndexStore(args.index).current() if args.index else None
    if current is not None:
        declarations = read_declarations(current / DECLARATIONS)
    else:
        from qa.ingest.reading import read_corpus

        declarations = [d for folder in archive_library(args) for d in read_corpus(folder).declarations]
    texts = list(dict.fromkeys(p.text for d in declarations for p in d.paragraphs))
    print(f"{len(declarations)} declarations, {len(texts)} distinct paragraphs", file=sys.stderr)
    return random.Random(0).sample(texts, args.sample) if args.sample and args.sample < len(texts) else texts


def timed(function, *args, **kwargs) -> tuple[object, float]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="a built index of the library whose declarations to use")
    parser.add_argument("--sample", type=int, help="time this many paragraphs (seeded), not all")
    add_data_options(parser, squad=False)
    args = parser.parse_args(argv)
    texts = paragraphs(args)
    rows = []
    spans, serial = timed(sentence_spans_of, texts)
    pooled, parallel = timed(map_chunks, sentence_spans_of, texts, chunk=sentence_cache.CHUNK, min_texts=0)
    assert pooled == spans, "the parallel split differs from the serial one"
    rows.append(("sentence split (pysbd)", f"{len(texts)} paragraphs", serial, parallel))
    whole = list(dict.fromkeys(
        text[a:b] for text, found in zip(texts, spans) for a, b in sentence_extents(text, found)
    ))
    _, load = timed(entities._pipeline)
    tags, serial = timed(entities_of, whole)
    pooled, parallel = timed(map_chunks, entities_of, whole, chunk=entities.CHUNK, min_texts=0)
    assert pooled == tags, "the parallel tags differ from the serial ones"
    rows.append(("named entities (spaCy)", f"{len(whole)} sentences", serial, parallel))
    print(f"{cores()} cores, load average {os.getloadavg()[0]:.1f}; spaCy pipeline loaded in {load:.1f} s "
          "(before both); results identical\n")
    print("| phase | texts | one core s | every core s | speed-up |")
    print("|---|---:|---:|---:|---:|")
    for phase, count, one, every in rows:
        print(f"| {phase} | {count} | {one:.1f} | {every:.1f} | {one / every:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

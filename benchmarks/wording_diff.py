"""Which diff reads best on real paragraphs: difflib (words, autojunk off), diff-match-patch, redlines.

Pairs: every paragraph of the Carbis Bay 2021 communiqué paired with its most similar paragraph of
the Apulia 2024 communiqué (qa.compare.document_diff, similarity >= 0.5), and, when the UN cache of
benchmarks.precedents exists, UN GA 78 paragraph pairs reused with edits. For each library:
change chunks per pair (fewer reads easier), chunks whose edge falls inside a word ("202[1->4]"),
chunks that change only punctuation or spacing, and milliseconds per pair.

    .venv/bin/python -m benchmarks.wording_diff [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path

from benchmarks.common import add_data_options, declarations_dir
from qa.compare.wording_diff import compare, matcher
from qa.compare.words import words
from qa.ingest.reading import read_declaration

_WORDCHAR = re.compile(r"\w")


def g7_pairs(declarations: Path) -> list[tuple[str, str]]:
    """Each Apulia 2024 paragraph with the Carbis Bay 2021 paragraph sharing most of its words
    (difflib ratio >= 0.3: the two communiqués share no paragraph nearly word for word)."""
    old = read_declaration(declarations / "g7-2021-carbis-bay.txt")
    new = read_declaration(declarations / "g7-2024-apulia.txt")
    old_words = [words(p.text) for p in old.paragraphs]
    pairs = []
    for par in new.paragraphs:
        nw = words(par.text)
        ratio, best = max((matcher(ow, nw).quick_ratio(), i) for i, ow in enumerate(old_words))
        if ratio >= 0.3 and matcher(old_words[best], nw).ratio() >= 0.3:
            pairs.append((old.paragraphs[best].text, par.text))
    return pairs


def un_pairs(limit: int = 200) -> list[tuple[str, str]]:
    """UN GA 78 paragraph pairs reused with edits (>= 80 % of words, not identical), from the
    labelled set benchmarks.precedents writes; none when it has not run."""
    labels = Path(os.environ.get("QA_REUSE_CACHE", "/tmp/qa-reuse-cache")) / "labels.json"
    if not labels.exists():
        return []
    data = json.loads(labels.read_text())
    texts = data["texts"]
    return [(texts[a], texts[b]) for a, b, share in data["pairs"] if share < 1.0][:limit]


def _inside_word(text: str, start: int, end: int) -> bool:
    """True when a chunk edge cuts a word: a word character on both sides of an edge."""
    def cut(at: int) -> bool:
        return 0 < at < len(text) and bool(_WORDCHAR.match(text[at - 1])) and bool(_WORDCHAR.match(text[at]))
    return start < end and (cut(start) or cut(end))


def chunks_difflib(old: str, new: str) -> list[tuple[str, str, tuple[int, int], tuple[int, int]]]:
    return [(c.old_text, c.new_text, c.old, c.new) for c in compare(old, new).changes]


def chunks_dmp(old: str, new: str):
    import diff_match_patch

    dmp = diff_match_patch.diff_match_patch()
    diffs = dmp.diff_main(old, new)
    dmp.diff_cleanupSemantic(diffs)
    out, i, j, pending = [], 0, 0, None
    for op, text in diffs + [(0, "")]:
        if op == 0:
            if pending:
                out.append(pending)
                pending = None
            i, j = i + len(text), j + len(text)
            continue
        pending = pending or ["", "", (i, i), (j, j)]
        if op == -1:
            pending[0] += text
            pending[2] = (pending[2][0], i + len(text))
            i += len(text)
        else:
            pending[1] += text
            pending[3] = (pending[3][0], j + len(text))
            j += len(text)
    return [tuple(c) for c in out]


def chunks_redlines(old: str, new: str):
    from redlines import Redlines

    diff = Redlines(old, new)
    return [(old, new, (0, 0), (0, 0)) for tag, *_ in diff.opcodes if tag != "equal"]


def measure(name: str, fn, pairs) -> dict:
    started = time.perf_counter()
    results = [(fn(a, b), a, b) for a, b in pairs]
    ms = (time.perf_counter() - started) * 1000 / max(1, len(pairs))
    chunks = [c for r, _, _ in results for c in r]
    inside = sum(1 for r, a, b in results for c in r
                 if _inside_word(a, *c[2]) or _inside_word(b, *c[3])) if name != "redlines" else None
    punct = sum(1 for c in chunks if not _WORDCHAR.search(c[0] + c[1])) if name != "redlines" else None
    return {"library": name, "pairs": len(pairs), "chunks/pair": round(len(chunks) / max(1, len(pairs)), 1),
            "cut inside a word": inside, "punctuation-only": punct, "ms/pair": round(ms, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_data_options(parser, squad=False)
    g7 = g7_pairs(declarations_dir(parser.parse_args()))
    for label, pairs in (("G7 Carbis Bay 2021 -> Apulia 2024", g7), ("UN GA 78 reused with edits", un_pairs())):
        print(f"{len(pairs)} paragraph pairs, {label}")
        if not pairs:
            continue
        for name, fn in (("difflib", chunks_difflib), ("diff-match-patch", chunks_dmp), ("redlines", chunks_redlines)):
            print(measure(name, fn, pairs))
    old, new = g7[0]
    print("\nexample, difflib:", [(c[0], c[1]) for c in chunks_difflib(old, new)][:6])
    print("example, diff-match-patch:", [(c[0], c[1]) for c in chunks_dmp(old, new)][:6])


if __name__ == "__main__":
    main()

"""Long Hypothesis runs over the readers, the paragraph parser and the reflow (not run by CI).

pytest collects only test_*.py, so this file runs only when called:

    nice -n 10 python tests/fuzz/fuzz_readers.py --examples 20000      # about 15 min on 2 cores
    python tests/fuzz/fuzz_readers.py --examples 200 --only parse       # a quick look at one target

Each target gets generated input (random bytes, bytes mutated from a valid file, or text
built from the markers the parser knows) and checks what must hold for ANY input: a reader
either returns text or raises UnreadableFileError (nothing else escapes: the reading door
would turn anything else into a skip, but a reader should say why itself); the parser's
paragraphs are exact substrings at their offsets; reflow changes only whitespace and never
glues two words. An input taking more than --slow seconds of CPU time counts as a finding too (a cost that
grows with the input's square is a hostile file's lever). One line per target is printed:
inputs run, findings, slowest input.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile_files import docx_bytes, plain_pdf  # noqa: E402

from qa.errors import UnreadableFileError  # noqa: E402
from qa.ingest.formats import extract  # noqa: E402
from qa.ingest.parsing import parse_text  # noqa: E402
from qa.web.chat import reflow  # noqa: E402


@dataclass
class Tally:
    name: str
    inputs: int = 0
    slowest: float = 0.0
    findings: list[str] = field(default_factory=list)


def _read(suffix: str, data: bytes) -> str | None:
    try:
        return extract(suffix, data).text
    except UnreadableFileError:
        return None


def _mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """``seed`` with a few bytes flipped, cut or repeated."""
    def mutate(edits: list[tuple[int, int, int]]) -> bytes:
        data = bytearray(seed)
        for kind, at, value in edits:
            if not data:
                break
            at %= len(data)
            if kind == 0:
                data[at] = value
            elif kind == 1:
                del data[at:at + value]
            else:
                data[at:at] = data[at:at + value] * 3
        return bytes(data)
    return st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2**20), st.integers(0, 255)), max_size=8).map(mutate)


_MARKERS = ["1. ", "2. ", "10.", "(a) ", "(iv) ", "- ", "• ", "Article 7", "[1]: ", "[^2] ", "---", "Notes",
            "We agree", "the Parties", "Afghanistan", "and", ".", ":", ";", ",", " ", "  ", "\t",
            "\n", "\n\n", "\r\n", "\r", "\x85", "\u2028", "\f", "ÉTATS", "3.4 million", "10 OCTOBER 2024"]
_TEXT = st.lists(st.one_of(st.sampled_from(_MARKERS), st.text(max_size=12)), max_size=120).map("".join)
_HTML_TAGS = ["<p>", "</p>", "<div>", "</div>", "<li>", "<ol start=3>", "</ol>", "<ul>", "<br>", "<article>",
              "<nav>", "<table><tr><td>", "</td></tr></table>", "<meta name='date' content='2020-01-02'>",
              "<title>T</title>", "<script>x</script>", "<h2>", "</h2>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;"]
_HTML = st.lists(st.one_of(st.sampled_from(_HTML_TAGS), _TEXT), max_size=80).map(lambda parts: "".join(parts).encode())


def _check_parse(text: str) -> str | None:
    parsed = parse_text(text, doc_id="fuzz")
    for p in parsed.paragraphs:
        if text[p.start:p.start + len(p.text)] != p.text:
            return f"paragraph {p.number} is not the text at its offset {p.start}"
    return None


def _check_reflow(text: str) -> str | None:
    shown, (start, end) = reflow(text, (0, len(text)))
    if shown.split() != text.split():
        return "reflow changed or glued words"
    if not 0 <= start <= end <= len(shown):
        return "reflow moved the highlight outside the text"
    return None


TARGETS = {
    "txt": (st.binary(max_size=4096), lambda data: _read(".txt", data) and None),
    "md": (_TEXT.map(lambda t: t.encode()), lambda data: _read(".md", data) and None),
    "html": (_HTML, lambda data: _read(".html", data) and None),
    "pdf": (_mutated(plain_pdf()), lambda data: _read(".pdf", data) and None),
    "docx": (_mutated(docx_bytes(["We agree on peace.", "1. We meet again."])), lambda data: _read(".docx", data) and None),
    "parse": (_TEXT, _check_parse),
    "reflow": (_TEXT, _check_reflow),
}


def _warm(name: str, check) -> None:
    """One call before timing, so that importing a reader's library is not counted as slow."""
    try:
        check("" if name in ("parse", "reflow") else b"")
    except Exception:  # noqa: BLE001 - only the imports matter here
        pass


def run(name: str, examples: int, slow: float) -> Tally:
    strategy, check = TARGETS[name]
    tally = Tally(name)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def target(value) -> None:
        tally.inputs += 1
        started = time.process_time()  # CPU time: the shared box's load must not look like a slow input
        try:
            problem = check(value)
        except Exception as exc:  # noqa: BLE001 - what escapes a reader is the finding
            problem = f"{type(exc).__name__}: {str(exc)[:150]}"
        took = time.process_time() - started
        tally.slowest = max(tally.slowest, took)
        if took > slow:
            problem = problem or f"took {took:.1f} s on {len(value)} units of input"
        if problem:
            raise AssertionError(problem)

    _warm(name, check)
    try:
        target()
    except Exception as exc:  # noqa: BLE001 - Hypothesis shrank it: the smallest input that shows it
        tally.findings.append(f"{type(exc).__name__}: " + (str(exc).splitlines() or [""])[0][:200])
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per target (default 2000)")
    parser.add_argument("--only", choices=sorted(TARGETS), action="append", help="run only these targets")
    parser.add_argument("--slow", type=float, default=2.0, help="seconds past which an input is a finding")
    args = parser.parse_args(argv)
    total, found = 0, 0
    for name in args.only or TARGETS:
        started = time.perf_counter()
        tally = run(name, args.examples, args.slow)
        total += tally.inputs
        found += len(tally.findings)
        status = "; ".join(tally.findings) or "nothing found"
        print(f"{name:7} {tally.inputs:7,} inputs  {time.perf_counter() - started:7.1f} s  "
              f"slowest {tally.slowest * 1000:7.1f} ms  {status}", flush=True)
    print(f"total   {total:7,} inputs, {found} findings")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

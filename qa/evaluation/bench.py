"""Speed benchmark: query latency, index build and re-index, cold start, web app memory.

``qa bench`` prints the report as JSON (``benchmarks/speed.py`` is the same from a checkout).
The machine is shared, so absolute numbers drift with its load: what a target compares is
measured interleaved in one run, and the targets are ratios (see docs/performance.md).

Example:
    >>> report = run(Path("corpus"), load_questions(Path("eval/declarations.jsonl")), quick=True)
    >>> report["targets"]["search_p50_vs_encode_p50"]
    {'value': 1.02, 'target': 1.5, 'met': True}
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from qa.errors import InvalidOptionError
from qa.evaluation.bench_processes import cold_start, web_memory
from qa.index.store import IndexStore
from qa.ingest.reading import not_a_declaration
from qa.library import Library

#: Ratios a run is held to: (measured name, limit).
TARGETS = {
    "search_p50_vs_encode_p50": 1.5,  # a search costs little beyond embedding the question
    "search_p99_vs_encode_p50": 3.0,
    "cold_ask_minus_import_floor_s": 2.0,  # a fresh `qa ask` costs little beyond its imports
    "reindex_vs_full_build": 0.10,  # one changed declaration does not cost a rebuild
}
#: The evaluation questions beside the bundled corpus (a checkout; pass a file when installed).
DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "declarations.jsonl"
#: Questions timed in --quick mode: enough for a p95, not for a p99.
QUICK_QUESTIONS = 40
#: Appended to one declaration to measure a re-index; a new paragraph like any other.
EXTRA_PARAGRAPH = (
    "\n\nThe leaders also agreed to meet again next year to review progress on every commitment "
    "made in this declaration, and asked their ministers to report on its implementation.\n"
)


def load_questions(path: Path) -> list[str]:
    """The ``question`` field of every line of a JSONL file.

    Raises:
        InvalidOptionError: If the file is missing or a line is not a JSON object with a question.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidOptionError(f"Cannot read questions from {path}: {exc}. Pass --questions FILE.jsonl.") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(str(json.loads(line)["question"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidOptionError(f"{path} line {number} is not a JSON object with a 'question': {exc}.") from exc
    if not questions:
        raise InvalidOptionError(f"{path} holds no questions; give a JSONL file with one 'question' a line.")
    return questions


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds (numpy's linear interpolation)."""
    p50, p95, p99 = np.percentile(np.asarray(seconds) * 1000.0, [50, 95, 99])
    return {"p50": round(float(p50), 3), "p95": round(float(p95), 3), "p99": round(float(p99), 3), "n": len(seconds)}


def query_latency(lib: Library, questions: list[str], *, encode: Callable[[str], np.ndarray]) -> dict[str, dict]:
    """Warm latency of encoding alone, ``lib.search``, ``lib.ask``, and retrieval given the
    question's vector (what a search costs beyond the model) over the questions.

    The four run back to back for each question, in an order that rotates, so a burst of
    load on the machine lands on all of them alike.
    """
    index = lib._index  # noqa: SLF001 - timed with the vector given, as HybridIndex.evidence allows
    vectors = {q: np.asarray(encode(q))[0] for q in dict.fromkeys(questions)}
    calls = {
        "encode": encode,
        "search": lambda q: lib.search(q, k=10),
        "ask": lambda q: lib.ask(q, k=3),
        "retrieval_without_model": lambda q: index.rank(index.evidence(q, k=10, vector=vectors[q]), k=10),
    }
    for question in questions[:3]:  # first calls pay lazy set-up, not query work
        for call in calls.values():
            call(question)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for i, question in enumerate(questions):
        turn = i % len(names)
        for name in names[turn:] + names[:turn]:
            started = time.perf_counter()
            calls[name](question)
            samples[name].append(time.perf_counter() - started)
    return {name: percentiles(values) for name, values in samples.items()}


def index_build(corpus_dir: Path, workdir: Path, *, encoder) -> dict[str, object]:
    """Build the corpus's index from nothing (empty embedding cache) into ``workdir/index``."""
    corpus = workdir / "corpus"
    shutil.copytree(corpus_dir, corpus)
    started = time.perf_counter()
    lib = Library.open(corpus, workdir / "index", encoder=encoder, rebuild=True, progress=False)
    seconds = time.perf_counter() - started
    return {
        "declarations": len(lib.declarations),
        "paragraphs": lib.report.paragraphs,
        "texts_embedded": lib.report.embedded,
        "seconds": round(seconds, 2),
        "paragraphs_per_s": round(lib.report.paragraphs / seconds, 1),
    }


def reindex(workdir: Path, *, encoder) -> dict[str, object]:
    """Append a paragraph to one declaration of a copy of the built corpus and reopen it."""
    corpus, index = workdir / "changed-corpus", workdir / "changed-index"
    shutil.copytree(workdir / "corpus", corpus)
    shutil.copytree(workdir / "index", index)
    changed = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md") and not not_a_declaration(p))[0]
    changed.chmod(0o644)  # the bundled files are read-only
    with changed.open("a", encoding="utf-8") as handle:
        handle.write(EXTRA_PARAGRAPH)
    started = time.perf_counter()
    lib = Library.open(corpus, index, encoder=encoder, progress=False)
    seconds = time.perf_counter() - started
    return {
        "changed_file": changed.name,
        "rebuilt": lib.report.built,
        "paragraphs": lib.report.paragraphs,
        "texts_embedded": lib.report.embedded,
        "seconds": round(seconds, 2),
    }


def index_size(index_dir: Path) -> dict[str, int]:
    """Bytes on disk of the current build and of the embedding cache."""
    store = IndexStore(index_dir)
    build = store.current()
    return {
        "build_bytes": _bytes(build) if build else 0,
        "embedding_cache_bytes": _bytes(index_dir / "embedding-cache"),
    }


def _bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def _say(progress: bool, message: str) -> None:
    if progress and message:
        print(f"qa bench: {message}…", file=sys.stderr, flush=True)


def _machine() -> dict[str, object]:
    return {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version()}


def _target(value: float | None, name: str) -> dict[str, object]:
    if value is None:
        return {"value": None, "target": TARGETS[name], "met": None}
    return {"value": round(value, 3), "target": TARGETS[name], "met": bool(value <= TARGETS[name])}


def targets(report: dict) -> dict[str, dict]:
    """Each target's measured ratio (None where its section was skipped) and whether it is met."""
    lat, cold = report["query_latency_ms"], report["cold_start_s"]
    encode = lat["encode"]["p50"]
    floor = cold.get("import_sentence_transformers", {}).get("median_wall")
    ask = cold.get("qa_ask", {}).get("median_wall")
    build, again = report["index_build"]["seconds"], report["reindex"]["seconds"]
    return {
        "search_p50_vs_encode_p50": _target(lat["search"]["p50"] / encode, "search_p50_vs_encode_p50"),
        "search_p99_vs_encode_p50": _target(lat["search"]["p99"] / encode, "search_p99_vs_encode_p50"),
        "cold_ask_minus_import_floor_s": _target(
            None if ask is None else ask - floor, "cold_ask_minus_import_floor_s"),
        "reindex_vs_full_build": _target(again / build if build else None, "reindex_vs_full_build"),
    }


def run(
    corpus_dir: Path,
    questions: list[str],
    *,
    model: str | None = None,
    encoder=None,
    quick: bool = False,
    cold_runs: int = 5,
    web: bool = True,
    workdir: Path | None = None,
    progress: bool = False,
) -> dict[str, object]:
    """Run every section and return the report (a JSON-ready dict).

    Args:
        corpus_dir: The declarations to index; they are copied, never changed.
        questions: Questions to time (the first QUICK_QUESTIONS with ``quick``).
        model: Embedding model setting; None means the default. Ignored when ``encoder`` is given.
        encoder: An encoder object instead (tests pass a fake one); the processes started for
            cold start and the web app always use ``model``.
        quick: Fewer questions and cold runs, for a quick look.
        cold_runs: Fresh processes per cold-start measure; 0 skips cold start.
        web: Start the web app and read its peak memory.
        workdir: Where the copies and indexes go; None means a temporary folder, removed after.
        progress: Say on stderr which section is running.
    """
    from embeddings.encoder import Encoder

    encoder = encoder or Encoder(model)
    encoder.encode(["warm up"])  # the model loads before any timed section
    questions = questions[:QUICK_QUESTIONS] if quick else questions
    cold_runs = min(cold_runs, 3) if quick else cold_runs
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        work = Path(workdir or tmp)
        report: dict[str, object] = {"machine": _machine()}
        _say(progress, "building the index from nothing")
        report["index_build"] = index_build(Path(corpus_dir), work, encoder=encoder)
        _say(progress, "re-indexing after one declaration changed")
        report["reindex"] = reindex(work, encoder=encoder)
        report["reindex"]["vs_full_build"] = round(report["reindex"]["seconds"] / report["index_build"]["seconds"], 3)
        report["index_size"] = index_size(work / "index")
        lib = Library.open(work / "corpus", work / "index", encoder=encoder, progress=False)
        _say(progress, f"timing {len(questions)} questions")
        # Timed with the encoder the library embeds questions with (the model's ONNX export when made).
        query_encoder = lib._index.encoder  # noqa: SLF001
        report["query_latency_ms"] = query_latency(lib, questions, encode=lambda q: query_encoder.encode([q]))
        _say(progress, f"starting {cold_runs} fresh `qa ask` processes and as many bare imports")
        report["cold_start_s"] = cold_start(work / "corpus", work / "index", questions[0], runs=cold_runs, model=model)
        _say(progress, "serving the web app" if web else "")
        report["web_app"] = (web_memory(work / "corpus", work / "index", questions[:5], model=model) if web
                             else {"skipped": "web app not started (--no-web)"})
    report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    return report

"""The whole ../shared library as one archive: opening, build, search, duplicates, quality.

One library holds ../shared/declarations and both archives of ../shared/archive (328 UN
General Assembly resolutions as PDFs, 88 White House statements as Markdown), named as three
folders (qa.ingest.corpora). Prints numbers; asserts nothing.

    nice -n 10 .venv/bin/python -m benchmarks.archive --index .bench/archive-index --build   # once: minutes
    .venv/bin/python -m benchmarks.archive --index .bench/archive-index --decl-index .bench/decl-index

Sections:
    build       a fresh build of the whole library: counts and where time goes (each phase's
                functions timed by the wall clock; --build-profile runs it under cProfile too)
    open        opening with nothing changed, against loading its index alone (median of runs)
    duplicates  twins and repeated paragraphs found, and the paragraph share of the closest pairs
    search      p50/p99 of a search against embedding the question alone, with and without filters
    eval        R@1 of eval/declarations.jsonl and eval/heldout.jsonl: the 11 declarations alone
                and the whole library
    narrowing   eval/narrowing.jsonl asked of the whole library: narrowed as expected, answer first
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import functools
import importlib
import io
import json
import pstats
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import ROOT, add_data_options, archive_library, declarations_dir, time_each

# The build's phases: (module, function or Class.method) whose calls each phase is. Each is timed
# by the wall clock around its outermost calls. Reading and splitting run in worker processes:
# their phase is the parent's wait for them. (Under cProfile, forked workers inherit the
# profiler: pysbd split in 9.95 s instead of 4.59 s, so a profiled build overstates every phase
# done in Python, in workers above all. The profile is for where time goes inside a phase.)
PHASES = {
    "read files (extract + parse)": ("qa.ingest.reading", "read_files"),
    "sentence split": ("qa.text.sentence_cache", "SentenceCache.split_many"),
    "named entities": ("qa.text.entities", "EntityTagger.tag"),
    "embed (model)": ("embeddings.cache", "CachingEncoder.encode"),
    "model compile (OpenVINO)": ("embeddings.openvino_encoder", "OpenVinoEncoder.open"),
    "ONNX export, or its copy from the user cache": ("embeddings.export", "export_onnx"),
    "BM25": ("qa.search.lexical", "LexicalIndex.from_tokens"),
    "FAISS": ("embeddings.vector_index", "VectorIndex.build"),
    "save": ("qa.search.retrieval", "HybridIndex.save"),
}
#: cProfile's names for the same phases, for --profile and --build-profile: (file end, function).
PROFILED = {phase: (module.replace(".", "/") + ".py", name.split(".")[-1]) for phase, (module, name) in PHASES.items()}
PROFILED["BM25"] = ("", "from_tokens")


@contextmanager
def phase_clock():
    """Wrap each phase's function (wherever a module imported it by name) with a wall clock; yields
    the seconds of each phase, summed over its outermost calls."""
    took = dict.fromkeys(PHASES, 0.0)
    took_calls: dict[str, list] = {phase: [] for phase in PHASES}  # each outermost call's arguments
    undo = []
    for phase, (module_name, name) in PHASES.items():
        module = importlib.import_module(module_name)
        owner_name, _, attribute = name.rpartition(".")
        owner = getattr(module, owner_name) if owner_name else module
        raw = owner.__dict__[attribute] if owner_name else getattr(module, attribute)
        function = raw.__func__ if isinstance(raw, classmethod) else raw
        timed = _timed(function, phase, took, took_calls[phase])
        replacement = classmethod(timed) if isinstance(raw, classmethod) else timed
        holders = [owner] if owner_name else [m for m in list(sys.modules.values())
                                              if m is not None and getattr(m, attribute, None) is raw]
        for holder in holders:
            undo.append((holder, attribute, raw))
            setattr(holder, attribute, replacement)
    try:
        yield took, took_calls
    finally:
        for holder, attribute, raw in reversed(undo):
            setattr(holder, attribute, raw)


def _timed(function, phase: str, took: dict[str, float], calls: list):
    depth = [0]

    @functools.wraps(function)
    def timed(*args, **kwargs):
        if depth[0] == 0:
            calls.append(args)
        depth[0] += 1
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                took[phase] += time.perf_counter() - started

    return timed


def section_build(index: Path, folders: list[Path], *, profile: bool = False, model_alone: bool = False) -> None:
    from qa.library import Library

    profiler = cProfile.Profile() if profile else None
    with phase_clock() as (took, calls):
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        lib = Library.open(folders, index, rebuild=True, progress=False)
        if profiler is not None:
            profiler.disable()
        total = time.perf_counter() - started
    print(f"build: {total:.1f} s{' under cProfile' if profile else ''}; {_counts(lib)}")
    print_phases(took, total)
    if model_alone:
        texts = [text for args in calls["embed (model)"] for text in args[1]]  # (self, texts)
        section_model_alone(index, lib, texts, total)
    if profiler is not None:
        profiler.dump_stats(str(index / "build.prof"))
        print(f"  full profile: {index / 'build.prof'} (python -m pstats)")


def section_model_alone(index: Path, lib, texts: list[str], total: float) -> None:
    """The model alone on the texts the build sent it (each distinct text once, as the build's
    cache does), on a fresh encoder of the same backend, with nothing beside it: the honest
    denominator of build / model (inside the build, work beside the model may slow it)."""
    from embeddings.backend import build_encoder
    from embeddings.cache import text_key
    from qa.index.build import ONNX_CACHE

    distinct = list({text_key(text): text for text in texts}.values())
    started = time.perf_counter()
    encoder = build_encoder(lib._source.encoder, index / ONNX_CACHE)
    getattr(encoder, "open", lambda: None)()
    encoder.encode(distinct)
    alone = time.perf_counter() - started
    print(f"  model alone (compile + embed {len(distinct)} distinct texts, {type(encoder).__name__}): {alone:.1f} s")
    print(f"  build / model alone: {total / alone:.2f}")


def profiled_phases(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative time of each build phase in a profile (the largest cumulative time of its function)."""
    return {phase: max((row[3] for func, row in stats.stats.items() if func[2] == name and func[0].endswith(file)),
                       default=0.0)
            for phase, (file, name) in PROFILED.items()}


def print_phases(took: dict[str, float], total: float) -> None:
    for phase, seconds in took.items():
        print(f"  {phase:<44} {seconds:8.1f} s  {seconds / total:6.1%}")
    model = took["embed (model)"] + took["model compile (OpenVINO)"]  # what the model alone takes
    if model:
        print(f"  build / model: {total / model:.2f}")


def _counts(lib) -> str:
    settings = lib._index.settings
    return (f"{len(lib.declarations)} declarations, {settings['paragraphs']} paragraphs, "
            f"{settings['sentences']} sentences, {len(lib.report.skipped)} files skipped")


def section_open(index: Path, folders: list[Path], runs: int) -> None:
    import qa.index.build as build
    from embeddings.encoder import Encoder
    from qa.index.declarations_file import DECLARATIONS, read_declarations
    from qa.index.store import IndexStore
    from qa.library import Library
    from qa.search.retrieval import HybridIndex
    from qa.side_threads import fork_is_safe

    encoder = Encoder(None)
    lib = Library.open(folders, index, encoder=encoder)  # up to date (built before)
    print(f"open: {_counts(lib)}; built now: {lib.report.built}")
    warm = build._warm

    def open_without_warming():
        build._warm = lambda query: None
        try:
            return Library.open(folders, index, encoder=encoder)
        finally:
            build._warm = warm

    def load() -> None:
        store = IndexStore(index)
        folder = store.current()
        manifest = store.read_manifest(folder)
        store.verify(folder, manifest)  # every load checks its files
        HybridIndex.load(folder, encoder)
        read_declarations(folder / DECLARATIONS)

    times: dict[str, list[float]] = {"open": [], "open, no warm-up": [], "load": []}
    for _ in range(runs):  # taking turns, each after the side work before it has ended
        for name, step in (("open", lambda: Library.open(folders, index, encoder=encoder)),
                           ("open, no warm-up", open_without_warming), ("load", load)):
            fork_is_safe(settle=5.0)  # waits for the last open's question encoder to be ready
            started = time.perf_counter()
            opened = step()
            times[name].append(time.perf_counter() - started)
            if name != "load":
                assert not opened.report.built and opened.report.parsed == 0
                report = opened.report
    a, w, b = (statistics.median(times[name]) for name in times)
    print(f"  open with nothing changed: {a:.2f} s (median of {runs}; {report.hashed} files hashed, "
          f"{report.parsed} parsed; the question's ONNX session made ready beside it)")
    print(f"  the same without that warm-up: {w:.2f} s (a question then makes it ready: 0.2-0.4 s)")
    print(f"  loading its index alone:   {b:.2f} s (verify + FAISS/BM25 load + parsed declarations)")
    print(f"  ratio open / load: {a / b:.2f}; without the warm-up {w / b:.2f}")


def section_duplicates(index: Path, folders: list[Path]) -> None:
    from collections import defaultdict

    from qa.index.duplicates import TWIN_SHARE, paragraph_key
    from qa.library import Library

    lib = Library.open(folders, index)
    dupes = lib.duplicates
    pairs = sorted({tuple(sorted((a, b))) for a, others in dupes.twins.items() for b in others})
    groups = {tuple(sorted([p, *o])) for p, o in dupes.repeats.items()}
    print(f"duplicates: {len(pairs)} twin pairs, {len(groups)} paragraph groups repeated word for word "
          f"({sum(len(g) for g in groups)} paragraphs)")
    for a, b in pairs:
        linked = sorted({tuple(sorted((p, o))) for p, others in dupes.links.items() for o in others if p[0] in (a, b)})
        print(f"  twins: {a}  =  {b}; {len(linked)} links between paragraphs cut differently")
    keys = {d.doc_id: {k for p in d.paragraphs if (k := paragraph_key(p.text))} for d in lib.declarations}
    shared: dict[tuple[str, str], int] = defaultdict(int)
    holders: dict[str, list[str]] = defaultdict(list)
    for doc, held in keys.items():
        for key in held:
            holders[key].append(doc)
    for docs in holders.values():
        for i, a in enumerate(sorted(docs)):
            for b in sorted(docs)[i + 1:]:
                shared[a, b] += 1
    share = sorted(((n / max(1, min(len(keys[a]), len(keys[b]))), a, b) for (a, b), n in shared.items()), reverse=True)
    print(f"  paragraph share of the closest pairs (twins need >= {TWIN_SHARE}):")
    for value, a, b in share[:12]:
        print(f"    {value:5.2f}  {a}  ~  {b}")


def section_search(index: Path, folders: list[Path], runs: int, rounds: int = 3) -> None:
    from qa.evaluation.question_files import load_questions
    from qa.library import Library

    lib = Library.open(folders, index)
    # The question is embedded by the library's own query encoder (the model's ONNX export,
    # embeddings/onnx_encoder.py): the ratio compares a search with the embedding inside it.
    query_encoder = lib._index.encoder  # noqa: SLF001
    questions = [q.question for q in load_questions(ROOT / "eval" / "declarations.jsonl")][:runs]
    query_encoder.encode(["warm up"])
    lib.search("What did the leaders say about the warm-up?", k=3)  # an English question: languages read
    filters = {
        "none": {},
        "issuer UN General Assembly": {"issuer": "UN General Assembly"},
        "years 2022-2022": {"year_from": 2022, "year_to": 2022},
        "kind communiqué": {"kind": "communiqué"},
    }
    # Interleaved: each question is embedded, then searched with each filter, round after round,
    # so a shared machine's slow spell weighs on the embedding and the searches alike.
    took: dict[str, list[float]] = {name: [] for name in ["embed", *filters]}
    for _ in range(rounds):
        for question in questions:
            took["embed"] += time_each(lambda q: query_encoder.encode([q]), [question])
            for name, kwargs in filters.items():
                took[name] += time_each(lambda q, kwargs=kwargs: lib.search(q, k=3, **kwargs), [question])
    embed = took.pop("embed")
    print(f"search over {_counts(lib)}; {len(questions)} questions x {rounds} rounds, k=3; query encoder {query_encoder!r}")
    print(f"  embed the question alone: p50 {_ms(embed, 50)}  p99 {_ms(embed, 99)}")
    for name, times in took.items():
        print(f"  search, filter {name:<28} p50 {_ms(times, 50)} ({_p(times, 50) / _p(embed, 50):.2f} x)  "
              f"p99 {_ms(times, 99)} ({_p(times, 99) / _p(embed, 99):.2f} x)")


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else max(values)


def _ms(values: list[float], q: int) -> str:
    return f"{_p(values, q) * 1000:6.1f} ms"


def archive_judgments(name: str) -> tuple[dict[int, set[tuple[str, str]]], dict[int, set[tuple[str, str]]]]:
    """Question line -> the archive paragraphs judged to answer it, and -> every paragraph judged.

    The authors judged the 11 declarations only; benchmarks/pool_archive.py pooled the whole
    library's top 2 on every question and assessors judged them blind (eval/judgments/archive-<name>,
    eval/README.md).
    """
    from benchmarks.pool_archive import judged_places

    path = ROOT / "eval" / "judgments" / f"archive-{name}"
    return judged_places([path], verdict="answers"), judged_places([path])


def _with_gold(outcome, more: set[tuple[str, str]]):
    """An outcome scored with more gold paragraphs (an unanswerable question stays unanswerable)."""
    import dataclasses

    if not outcome.question.gold or not more:
        return outcome
    return dataclasses.replace(outcome, question=dataclasses.replace(outcome.question, gold=outcome.question.gold | more))


def section_eval(index: Path, folders: list[Path], decl_folder: Path, decl_index: Path) -> None:
    from qa.answers.narrowing import implied_filters
    from qa.answers.questions import clean_question
    from qa.evaluation.metrics import evaluate, run_questions
    from qa.evaluation.question_files import load_questions
    from qa.library import Library

    alone = Library.open(decl_folder, decl_index)
    whole = Library.open(folders, index)
    known = {d.doc_id for d in alone.declarations}
    print(f"eval: the 11 declarations alone ({_counts(alone)}) vs the whole library ({_counts(whole)})")
    for name in ("declarations.jsonl", "heldout.jsonl"):
        questions = load_questions(ROOT / "eval" / name)
        answers, judged = archive_judgments(name)
        by_alone, by_whole = (run_questions(lib, questions) for lib in (alone, whole))
        pooled = [_with_gold(o, answers.get(o.question.line, set())) for o in by_whole]
        r = [evaluate(o).ranking for o in (by_alone, by_whole, pooled)]
        unjudged = sum(1 for o in pooled if o.question.gold and o.ranking and o.ranking[0] not in o.question.gold
                       and o.ranking[0][0] not in known and o.ranking[0] not in judged.get(o.question.line, set()))
        print(f"  {name:<20} R@1 {r[0].recall[1]:.3f} alone; whole library {r[1].recall[1]:.3f} against the "
              f"authors' gold ({(r[1].recall[1] - r[0].recall[1]) * 100:+.1f} points), {r[2].recall[1]:.3f} with "
              f"the archive's pooled judgments ({(r[2].recall[1] - r[0].recall[1]) * 100:+.1f} points; first hits "
              f"from the archive never judged: {unjudged}); MRR {r[0].mrr:.3f} / {r[1].mrr:.3f} / {r[2].mrr:.3f}")
        state = whole._state  # noqa: SLF001 (as Library.ask narrows)
        narrowed = {q.line for q in questions if q.gold and implied_filters(
            clean_question(q.question), whole.declarations, state.named_people, state.issuer_aliases)}
        for label, keep in (("name an issuer or year (narrowed)", True), ("name neither", False)):
            part = [i for i, q in enumerate(questions) if q.gold and (q.line in narrowed) == keep]
            a, w = (evaluate([outcomes[i] for i in part]).ranking.recall[1] for outcomes in (by_alone, pooled))
            print(f"    {len(part):>3} questions that {label:<34} R@1 {a:.3f} alone, {w:.3f} whole (pooled)")


def section_narrowing(index: Path, folders: list[Path]) -> None:
    from qa.library import Library

    whole = Library.open(folders, index)
    twins = whole.duplicates.twins
    rows = [json.loads(line) for line in (ROOT / "eval" / "narrowing.jsonl").read_text(encoding="utf-8").splitlines()]
    right = first = right_once = first_once = 0
    for row in rows:
        answer = whole.ask(row["question"], k=3)
        said = answer.narrowed.describe() if answer.narrowed else ""
        right += said == row["narrows_to"]
        want = (row["doc_id"], row["paragraphs"][0])
        top = (answer.hits[0].doc_id, answer.hits[0].paragraph) if answer.hits else None
        first += top == want
        # The same declaration published twice (qa.index.duplicates) is one text: named as the
        # question's declaration, its copy is that declaration, and the answer shows the two once.
        once = answer.narrowed and dataclasses.replace(answer.narrowed, doc_ids=tuple(
            d for d in answer.narrowed.doc_ids if d == row["doc_id"] or row["doc_id"] not in twins.get(d, ())))
        right_once += (once.describe() if once else "") == row["narrows_to"]
        first_once += top is not None and (top == want or want in whole.duplicates.others(*top))
        if said != row["narrows_to"]:
            print(f"    narrowed to {said!r}, expected {row['narrows_to']!r}: {row['question']}")
    print(f"  narrowing.jsonl: {right}/{len(rows)} narrowed as expected; answer first {first}/{len(rows)}")
    print(f"    a declaration and its copy from another source counted as one: {right_once}/{len(rows)} narrowed as "
          f"expected; answer first {first_once}/{len(rows)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=ROOT / ".bench" / "archive-index")
    parser.add_argument("--decl-index", type=Path, default=ROOT / ".bench" / "decl-index",
                        help="index of ../shared/declarations alone (for eval)")
    parser.add_argument("--build", action="store_true", help="rebuild the whole library first, timing its phases")
    parser.add_argument("--model-alone", action="store_true",
                        help="with --build: then embed the build's texts with the model alone (minutes), for build / model alone")
    parser.add_argument("--build-profile", action="store_true",
                        help="with --build: also run it under cProfile (slower: for where time goes inside a phase)")
    parser.add_argument("--profile", type=Path, help="print the phases of a saved build profile (cProfile dump)")
    parser.add_argument("--only", nargs="*", default=["open", "duplicates", "search", "eval", "narrowing"],
                        choices=["open", "duplicates", "search", "eval", "narrowing"])
    parser.add_argument("--corpus", type=Path, action="append",
                        help="the library's folders instead of the whole ../shared (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="opening runs (search: questions x 20)")
    add_data_options(parser, squad=False)
    args = parser.parse_args()
    if args.profile:
        stats = pstats.Stats(str(args.profile), stream=io.StringIO())
        print(f"build profile {args.profile}: {stats.total_tt:.1f} s profiled")
        print_phases(profiled_phases(stats), stats.total_tt)
        return 0
    folders = args.corpus or archive_library(args)
    if args.build:
        section_build(args.index, folders, profile=args.build_profile, model_alone=args.model_alone)
    for name in args.only:
        if name == "open":
            section_open(args.index, folders, args.runs)
        elif name == "duplicates":
            section_duplicates(args.index, folders)
        elif name == "search":
            section_search(args.index, folders, args.runs * 20)
        elif name == "narrowing":
            section_narrowing(args.index, folders)
        else:
            section_eval(args.index, folders, declarations_dir(args), args.decl_index)
    return 0


if __name__ == "__main__":
    sys.exit(main())

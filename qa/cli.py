"""The `qa` command: ask, index, list, add, remove, eval, bench, serve, track, precedents, diff.
A thin shell: parse, call the library, print.

Exit codes: 0 ok; 1 error (one sentence on stderr, no traceback); 2 usage: an unknown command or
option, or a value no run could accept (-k 0, -k 101, --port abc, GRADIO_SERVER_PORT=abc). What
only the corpus or the files can tell (an unknown --doc id, an unreadable file) is an error, 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from collections.abc import Sequence

from qa.answers.render import NEAREST, hit_text, not_answered
from qa.errors import DocumentExistsError, InvalidOptionError, QAError, UsageError
from qa.ingest.catalog import CATALOG_ENV

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _library(args: argparse.Namespace, *, rebuild: bool = False, check: bool = False):
    from qa.library import Library

    return Library.open(args.corpus, args.index, model=args.model, rebuild=rebuild, check=check)


def _narrowing(args: argparse.Namespace) -> dict:
    """The --issuer, --from, --to and --kind options as the library's keyword arguments."""
    return {"issuer": args.issuer, "year_from": args.year_from, "year_to": args.year_to, "kind": args.kind}


def _print_hit(number: int, hit, *, color: bool, found: bool) -> None:
    width = min(shutil.get_terminal_size((100, 20)).columns, 100) - 4
    print(hit_text(number, hit, found=found, color=color, width=width))


def cmd_ask(args: argparse.Namespace) -> int:
    answer = _library(args).ask(args.question, k=args.k, doc_ids=args.doc or None, narrow=not args.no_narrow,
                                **_narrowing(args))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    if answer.narrowed is not None:
        print(f"Read as: only {answer.narrowed_text}, as the question names it "
              "(--no-narrow searches every declaration).\n")
    if not answer.found:
        print(f"{not_answered(answer)} {NEAREST}\n")
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for number, hit in enumerate(answer.hits, start=1):
        _print_hit(number, hit, color=color, found=answer.found)
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    from qa.search.abstention import MIN_COSINE

    lib = _library(args, rebuild=args.rebuild, check=args.check)
    report = lib.report
    summary = {
        "declarations": len(lib.declarations),
        "paragraphs": report.paragraphs,
        "built": report.built,
        "reason": report.reason,
        "seconds": round(report.seconds, 2),
        "embedded": report.embedded,
        "hashed": report.hashed,
        "parsed": report.parsed,
        "answer_cosine": round(lib.answer_cosine, 3),
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return EXIT_OK
    state = f"built ({report.reason})" if report.built else "up to date"
    print(f"Index {state}: {summary['declarations']} declarations, {report.paragraphs} paragraphs, "
          f"{report.embedded} texts embedded, {report.hashed} files hashed, {report.parsed} parsed, "
          f"{report.seconds:.1f} s.")
    print(f"Answers by meaning from cosine {lib.answer_cosine:.3f}"
          + (" (this library's off-topic probes come closer than the calibrated one)." if lib.answer_cosine > MIN_COSINE
             else " (the calibrated one)."))
    _print_skipped(lib)
    return EXIT_OK


def _print_skipped(lib) -> None:
    """One line per corpus file that was not read, with the reason, on stderr: stdout holds what
    was asked for alone (``qa list | cut …``, JSON)."""
    for skipped in lib.report.skipped if lib.report else ():
        print(f"Skipped {skipped.path}: {skipped.reason}", file=sys.stderr)


def _flags(decl) -> str:
    odd = [f"{name} {origin}" for name, origin in sorted(decl.metadata_origin.items())
           if origin in ("missing", "guessed")]
    unnumbered = sum(not p.numbered for p in decl.paragraphs)
    if unnumbered == len(decl.paragraphs):
        odd.append("no printed numbers")
    odd += [note for note in decl.notes if note.startswith("warning:")]  # e.g. a noisy PDF text layer
    return ("  [" + "; ".join(odd) + "]") if odd else ""


def cmd_list(args: argparse.Namespace) -> int:
    lib = _library(args)
    chosen = lib.select(**_narrowing(args))
    if args.json:
        rows = [{"doc_id": d.doc_id, "title": d.title, "date": d.date, "place": d.place,
                 "issuer": d.issuer, "kind": d.kind, "symbol": d.symbol, "paragraphs": len(d.paragraphs),
                 "metadata_origin": d.metadata_origin, "notes": list(d.notes)} for d in chosen]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        _print_skipped(lib)
        return EXIT_OK
    width = max(len(d.doc_id) for d in chosen)
    for d in chosen:
        print(f"{d.doc_id:<{width}}  {d.date or '????-??-??':<10}  {len(d.paragraphs):>4} ¶  {d.title}{_flags(d)}")
    _print_skipped(lib)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    lib = _library(args)
    try:
        added = lib.add(*args.files, replace=args.replace)
    except DocumentExistsError as exc:  # the library's message speaks Python (replace=True)
        raise QAError(f"{exc.doc_id!r} is already in the corpus. Use qa add --replace to update it.") from None
    for decl in added:
        print(f"Added {decl.doc_id}: {len(decl.paragraphs)} paragraphs, {decl.title} ({decl.date or 'no date'})")
    print(f"Index refreshed: {lib.report.embedded} texts embedded, {lib.report.seconds:.1f} s.")
    _print_skipped(lib)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    lib = _library(args)
    for doc_id in args.doc_ids:
        decl = lib.remove(doc_id)
        print(f"Removed {decl.doc_id} ({decl.source}).")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qa.evaluation import metrics as evaluation
    from qa.evaluation.question_files import check_questions, load_questions, load_squad, paragraph_numbers
    from qa.evaluation.report import render_report, render_squad_report
    from qa.settings import default_index_dir

    progress = sys.stderr.isatty()
    if args.squad:
        squad = load_squad(Path(args.squad), limit=args.limit)
        cache = Path(args.index or default_index_dir()) / "eval-cache"
        lib = evaluation.squad_library(squad, model=args.model, cache_dir=cache, progress=progress)
        report = evaluation.evaluate_squad(
            evaluation.run_squad(lib, squad.questions, progress=progress), paragraphs=len(squad.passages)
        )
        text = render_squad_report(report)
    else:
        questions = load_questions(Path(args.questions))  # a bad file fails before the index loads
        lib = _library(args)
        check_questions(Path(args.questions), questions, paragraph_numbers(lib.declarations))
        questions = questions[: args.limit]
        report = evaluation.evaluate(evaluation.run_questions(lib, questions, progress=progress))
        text = render_report(report, verbose=args.verbose)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else text)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from qa.web.address import PORT_ENV, server_address

    try:
        host, port = server_address(args.host, args.port)
    except InvalidOptionError as exc:
        raise UsageError(str(exc)) from None
    # Checked before gradio is imported: its import parses GRADIO_SERVER_PORT with int() and
    # dies with a traceback on a bad value, even when --port says otherwise.
    os.environ[PORT_ENV] = str(port)
    from qa.web.app import main as serve_chat

    demo = serve_chat(host=host, port=port, corpus_dir=args.corpus, index_dir=args.index, model=args.model,
                      block=False)
    print(f"Serving Declaration QA on {demo.local_url} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    demo.block_thread()
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qa.evaluation.bench import DEFAULT_QUESTIONS, load_questions, run
    from qa.settings import default_corpus_dir

    questions = load_questions(Path(args.questions) if args.questions else DEFAULT_QUESTIONS)
    report = run(Path(args.corpus[0]) if args.corpus else default_corpus_dir(), questions,
                 model=args.model, quick=args.quick, cold_runs=args.cold_runs, web=not args.no_web,
                 progress=sys.stderr.isatty())
    print(json.dumps(report, indent=2))
    return EXIT_OK


def _whole_number(text: str, *, low: int, high: int | None = None) -> int:
    """argparse type check: an int from low to high (no upper bound when high is None)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be {low} or more, got {value}")
    if high is not None and value > high:
        raise argparse.ArgumentTypeError(f"must be {high} or less, got {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, low=1)


def _count(text: str) -> int:
    return _whole_number(text, low=0)


def _year_or_month(text: str) -> str:
    """A year ("2022") or a month ("2022-03"), as the library's filters take it."""
    from qa.search.filters import Filters

    try:
        Filters.of(year_from=text)
    except InvalidOptionError:
        raise argparse.ArgumentTypeError(f"must be a year such as 2024 or a month such as 2024-03, got {text!r}") from None
    return text.strip()


def _k(text: str) -> int:
    from qa.answers.questions import MAX_K

    return _whole_number(text, low=1, high=MAX_K)


def _port(text: str) -> int:
    from qa.web.address import parse_port

    try:
        return parse_port(text)
    except InvalidOptionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_narrowing(command: argparse.ArgumentParser) -> None:
    command.add_argument("--issuer", action="append", metavar="NAME", help="only this issuer (repeatable)")
    command.add_argument("--from", dest="year_from", type=_year_or_month, metavar="YEAR",
                         help="only from this year, or this month (2022-03)")
    command.add_argument("--to", dest="year_to", type=_year_or_month, metavar="YEAR",
                         help="only up to this year, or this month (2022-03)")
    command.add_argument("--kind", action="append", metavar="KIND",
                         help="only this kind: declaration, communiqué, joint statement, resolution, statement")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Cited, verbatim answers from official declarations.")
    parser.add_argument("--corpus", action="append", default=None, metavar="DIR",
                        help="declarations folder, repeatable for several (env QA_CORPUS, folders joined "
                             "by ':'; default: bundled corpus/)")
    parser.add_argument("--catalog", action="append", default=None, metavar="FILE",
                        help="a catalog.toml kept apart from the folders it describes, repeatable (env QA_CATALOG, "
                             "files joined by ':'); each folder's own catalog.toml still wins")
    parser.add_argument("--index", default=None, help="index folder (env QA_INDEX; default: .qa-index/)")
    parser.add_argument("--model", default=None,
                        help="sentence-transformers model (env QA_MODEL; default: bundled all-MiniLM-L6-v2)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer a question with cited paragraphs")
    ask.add_argument("question")
    ask.add_argument("-k", type=_k, default=3, help="number of passages, 1 to 100 (default 3)")
    ask.add_argument("--doc", action="append", metavar="DOC_ID", help="search only this declaration (repeatable)")
    _add_narrowing(ask)
    ask.add_argument("--no-narrow", action="store_true",
                     help="do not narrow to an issuer or year the question names")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON (the Python API's fields)")
    ask.set_defaults(func=cmd_ask)

    index = sub.add_parser("index", help="build or refresh the index and summarise it")
    index.add_argument("--rebuild", action="store_true", help="rebuild even if up to date")
    index.add_argument("--check", action="store_true",
                       help="hash every corpus file, not only those whose size or time changed")
    index.add_argument("--json", action="store_true")
    index.set_defaults(func=cmd_index)

    listing = sub.add_parser("list", help="list declarations with title, date and paragraph count")
    _add_narrowing(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)

    add = sub.add_parser("add", help="copy declaration files into the corpus and index them")
    add.add_argument("files", nargs="+", metavar="FILE")
    add.add_argument("--replace", action="store_true", help="update a declaration with the same doc_id")
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser("remove", help="delete declarations from the corpus and the index")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    remove.set_defaults(func=cmd_remove)

    evaluate = sub.add_parser("eval", help="measure retrieval and abstention on a question file, or on SQuAD")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("questions", nargs="?", metavar="QUESTIONS.jsonl",
                        help="questions over the corpus, one JSON object a line (see eval/README.md)")
    source.add_argument("--squad", metavar="FILE", help="a SQuAD v1.1 file: index its paragraphs, rank each question")
    evaluate.add_argument("--corpus", action="append", default=argparse.SUPPRESS, metavar="DIR",
                          help="ask the questions of this library (repeatable: several folders), "
                               "e.g. ../shared/declarations")
    evaluate.add_argument("--limit", type=_positive_int, default=None,
                          help="only the first N questions (every paragraph is still indexed)")
    evaluate.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    evaluate.add_argument("--json", action="store_true", help="print the metrics (and misses) as JSON")
    evaluate.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", help="run the web chat")
    serve.add_argument("--host", default=None, help="interface to listen on (env GRADIO_SERVER_NAME; default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=None, help="port, 1 to 65535 (env GRADIO_SERVER_PORT; default 7860)")
    serve.set_defaults(func=cmd_serve)

    bench = sub.add_parser("bench", help="measure latency, cold start, (re)index time and memory; prints JSON")
    bench.add_argument("--questions", default=None, metavar="FILE.jsonl",
                       help="questions to time (default: eval/declarations.jsonl)")
    bench.add_argument("--quick", action="store_true", help="fewer questions and cold runs")
    bench.add_argument("--cold-runs", type=_count, default=5, metavar="N", help="fresh `qa ask` processes (default 5; 0 skips)")
    bench.add_argument("--no-web", action="store_true", help="do not start the web app to read its memory")
    bench.set_defaults(func=cmd_bench)

    from qa.cli_compare import add_commands

    add_commands(sub, _k, _library)
    return parser


def _show_notices() -> None:
    """The library's notices (a rebuild, a damaged index) as "qa: ..." lines on stderr."""
    logger = logging.getLogger("qa")
    if not any(getattr(h, "qa_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("qa: %(message)s"))
        handler.qa_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    _show_notices()
    if args.catalog:  # the flag wins over the environment, for this process and the workers it forks
        os.environ[CATALOG_ENV] = os.pathsep.join(args.catalog)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # "qa list | head" stopped reading: nothing is wrong, and nothing more is said
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
        return EXIT_OK
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a file or folder the library did not expect to fail
        print(f"qa: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())

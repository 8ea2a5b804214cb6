"""The `qa track`, `qa precedents` and `qa diff` commands: parse, call the library, print.

Changes print as wdiff does: [-removed words-] {+added words+}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap

from qa.compare.track import SILENT_RUN
from qa.compare.wording_diff import WordingDiff
from qa.errors import InvalidOptionError


def _width() -> int:
    return min(shutil.get_terminal_size((100, 20)).columns, 100) - 6


def _block(text: str) -> str:
    return textwrap.indent(textwrap.fill(text, _width(), break_on_hyphens=False, break_long_words=False), "    │ ")


def marked(old: str, new: str, diff: WordingDiff) -> str:
    """``new`` with each change shown in place: [-old words-]{+new words+}."""
    out, at = [], 0
    for change in diff.changes:
        start, end = change.new
        out.append(new[at:start])
        if change.old_text:
            out.append(f"[-{change.old_text}-]")
        if change.new_text:
            out.append(f"{{+{change.new_text}+}}")
        at = end
    out.append(new[at:])
    return "".join(out)


def cmd_track(args: argparse.Namespace, library) -> int:
    timeline = library.track(args.topic, issuer=args.issuer, doc_ids=args.doc or None, year_from=args.year_from,
                             year_to=args.year_to, k_per_doc=args.k_per_doc, narrow=not args.no_narrow)
    if args.json:
        from qa.compare.as_json import track_dict

        print(json.dumps(track_dict(timeline), ensure_ascii=False, indent=2))
        return 0
    if timeline.narrowed_as:
        print(f"Read as: only {timeline.narrowed_as}, as the topic names it (--no-narrow follows every declaration).\n")
    previous_text = None
    for run in timeline.runs():
        if len(run) >= SILENT_RUN:
            first, last = run[0].date or "undated", run[-1].date or "undated"
            print(f"{first} to {last}  silent: {len(run)} declarations do not address the topic "
                  f"({', '.join(e.doc_id for e in run)})\n")
            continue
        for entry in run:
            previous_text = _print_entry(entry, previous_text)
    return 0


def _print_entry(entry, previous_text: str | None) -> str | None:
    """Print one timeline entry; the quote the next one is compared with."""
    print(f"{entry.date or 'undated'}  {entry.title} ({entry.doc_id})")
    if entry.silent:
        print("    silent: this declaration does not address the topic\n")
        return previous_text
    best = entry.best
    print(f"    {best.citation}")
    if entry.diff is None:
        print(_block(best.text))
    else:
        print(f"    changes from the previous quote ({entry.diff.similarity:.0%} of the words in common):")
        print(_block(marked(previous_text, best.text, entry.diff)))
    print()
    return best.text


def cmd_precedents(args: argparse.Namespace, library) -> int:
    exclude = None
    if args.doc or args.paragraph:
        if not (args.doc and args.paragraph) or args.text:
            raise InvalidOptionError("Give either a text, or --doc DOC_ID with --paragraph NUMBER, not both.")
        par = library.context(args.doc, args.paragraph, before=0, after=0)[0]
        text, exclude = par.text, (args.doc, args.paragraph)
    elif args.text:
        text = args.text
    else:
        raise InvalidOptionError("Give a text to look for, or --doc DOC_ID --paragraph NUMBER.")
    found = library.precedents(text, k=args.k, before=args.before, exclude=exclude)
    if args.json:
        from qa.compare.as_json import precedent_dict

        print(json.dumps([precedent_dict(p) for p in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("No passage in the library reuses this wording.")
    for number, item in enumerate(found, start=1):
        print(f"[{number}] {item.citation}  ({item.reused:.0%} of the words reused)")
        print(_block(marked(text, item.text, item.diff)))
        print()
    return 0


def cmd_diff(args: argparse.Namespace, library) -> int:
    result = library.diff(args.old, args.new)
    if args.json:
        from qa.compare.as_json import document_diff_dict

        print(json.dumps(document_diff_dict(result), ensure_ascii=False, indent=2))
        return 0
    counts = {s: result.count(s) for s in ("same", "changed", "moved", "added", "removed")}
    print(f"{result.old_id} -> {result.new_id}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for pair in result.pairs:
        old_no = pair.old.number if pair.old else "-"
        new_no = pair.new.number if pair.new else "-"
        print(f"\n{pair.status:8} {old_no} -> {new_no}")
        if pair.status in ("changed", "moved") and pair.diff.changes:
            print(_block(marked(pair.old.text, pair.new.text, pair.diff)))
        elif pair.status in ("added", "removed") and args.verbose:
            print(_block((pair.new or pair.old).text))
    return 0


def add_commands(sub, k_type, library_of) -> None:
    """Add track, precedents and diff to the `qa` parser; ``library_of(args)`` opens the library."""
    def run(command):
        return lambda args: command(args, library_of(args))

    track = sub.add_parser("track", help="a topic through the years: each declaration's best paragraph, changes marked")
    track.add_argument("topic")
    track.add_argument("--issuer", default=None, help="only declarations by this issuer (e.g. G7)")
    track.add_argument("--doc", action="append", metavar="DOC_ID", help="only this declaration (repeatable)")
    track.add_argument("--from", dest="year_from", type=int, default=None, metavar="YEAR")
    track.add_argument("--to", dest="year_to", type=int, default=None, metavar="YEAR")
    track.add_argument("--k-per-doc", type=int, choices=range(1, 6), default=1, metavar="1..5")
    track.add_argument("--json", action="store_true")
    track.add_argument("--no-narrow", action="store_true",
                       help="follow every declaration, even when the topic names an issuer or years")
    track.set_defaults(func=run(cmd_track))

    prec = sub.add_parser("precedents", help="where else a text's wording was used, oldest first")
    prec.add_argument("text", nargs="?", default=None)
    prec.add_argument("--doc", default=None, metavar="DOC_ID", help="look for this declaration's paragraph...")
    prec.add_argument("--paragraph", default=None, metavar="NUMBER", help="...with this number")
    prec.add_argument("-k", type=k_type, default=10, help="passages at most, 1 to 100 (default 10)")
    prec.add_argument("--before", default=None, metavar="YEAR|DATE", help="only passages dated before this")
    prec.add_argument("--json", action="store_true")
    prec.set_defaults(func=run(cmd_precedents))

    diff = sub.add_parser("diff", help="two declarations paragraph by paragraph")
    diff.add_argument("old", metavar="DOC_A")
    diff.add_argument("new", metavar="DOC_B")
    diff.add_argument("-v", "--verbose", action="store_true", help="print added and removed paragraphs in full")
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(func=run(cmd_diff))

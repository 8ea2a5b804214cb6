"""One place that renders answers: the wording, the reflowed quote, and its three forms
(terminal text for the CLI, Markdown for callers, inert HTML for the chat).

Every form says the same things in the same words: a refusal comes first and marks no
sentence, a paragraph the source breaks off in says so, and a quote is the text verbatim
(only whitespace changes, when a line break that merely wraps the source becomes a space).

Example:
    >>> print(render_text(qa.ask("When will the ISAF mission end?"), color=False))  # doctest: +SKIP
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

from qa.ingest.layout import LINE_BREAK
from qa.ingest.layout import item_starts as find_item_starts

if TYPE_CHECKING:  # records imports this module for Answer.markdown
    from qa.answers.records import Answer, Hit

NOT_ANSWERED = "The declarations do not seem to answer this question."
NEAREST = "Nearest passages, for reference; no sentence in them is marked as an answer:"
NOTHING_MATCHES = "Nothing in the declarations matches this question."
BREAKS_OFF = "[the source breaks off here]"
ALSO = "Also published as:"
FOOTNOTE = "Footnote:"

# A run of spaces holding a line break (any of layout's LINE_BREAK): it only wraps the
# source, or it means something. \s covers every one of them.
_LINE_BREAK = re.compile(r"[ \t]*(?:" + LINE_BREAK.pattern + r")\s*")


def reflow(
    text: str, highlight: tuple[int, int] = (0, 0), item_starts: tuple[int, ...] | None = None
) -> tuple[str, tuple[int, int]]:
    """``text`` as prose, and ``highlight`` moved with it.

    A line break that only wraps the source (the 1776 Declaration is wrapped at 72 columns)
    shows as one space; a blank line stays a blank line and a break before a list item
    stays a break. Only whitespace changes. ``item_starts`` comes from the Paragraph (decided
    at ingest); for text that is not a paragraph of the library it is found here.
    """
    starts = set(find_item_starts(text) if item_starts is None else item_starts)
    runs = [(run.start(), run.end(), _shown(run, starts)) for run in _LINE_BREAK.finditer(text)]
    pieces, last = [], 0
    for start, end, shown in runs:
        pieces += [text[last:start], shown]
        last = end
    pieces.append(text[last:])
    low = _moved(highlight[0], runs, into=True)
    return "".join(pieces), (low, max(low, _moved(highlight[1], runs, into=False)))


def _shown(run: re.Match, item_starts: set[int]) -> str:
    """What a line-break run shows as: a blank line, a line break before a list item, else a space."""
    if len(LINE_BREAK.findall(run.group())) > 1:
        return "\n\n"
    return "\n" if run.end() in item_starts else " "


def _moved(offset: int, runs: list[tuple[int, int, str]], *, into: bool) -> int:
    """Where ``offset`` lands once each run (start, end, shown) shows as ``shown``. An offset
    inside a run goes to its far edge if ``into`` (a highlight's start), else its near edge."""
    shift = 0
    for start, end, shown in runs:
        if offset <= start:
            break
        if offset < end:
            return start + shift + (len(shown) if into else 0)
        shift += len(shown) - (end - start)
    return offset + shift


def quote_parts(hit: Hit, *, mark: bool) -> tuple[str, str, str]:
    """The reflowed paragraph as (before, answering sentence, after); the middle is empty if not ``mark``."""
    text, (start, end) = reflow(hit.text, hit.highlight, hit.item_starts)
    if not mark:
        return text, "", ""
    return text[:start], text[start:end], text[end:]


# ----- Markdown ------------------------------------------------------------------------------

# Characters markdown would read as syntax; escaped so a quote renders as the text it is.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape_markdown(text: str) -> str:
    """Escape markdown syntax and HTML so text displays literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _markdown_quote(hit: Hit, *, mark: bool) -> str:
    before, middle, after = quote_parts(hit, mark=mark)
    body = escape_markdown(before) + (f"**{escape_markdown(middle)}**" if middle.strip() else escape_markdown(middle))
    body += escape_markdown(after)
    if hit.truncated:
        body += f" *{escape_markdown(BREAKS_OFF)}*"
    quoted = "> " + body.replace("\n", "\n> ")
    notes = [f"> *{FOOTNOTE}* {escape_markdown(note)}" for note in hit.footnotes]
    warnings = [f"*{escape_markdown(w)}*" for w in hit.warnings]
    return "\n".join([quoted, *([">"] if notes else []), *notes, *warnings])


def not_answered(answer: Answer) -> str:
    """The verdict of a refusal: which text the question asks of the library lacks, when one
    (``Answer.missing``: "The library holds no NATO text of 2023, which the question asks of."),
    else that the declarations do not seem to answer."""
    return f"The library holds {answer.missing}, which the question asks of." if answer.missing else NOT_ANSWERED


def render_markdown(answer: Answer) -> str:
    """An answer as markdown: the verdict first when it is a refusal, then each quote, cited."""
    lines: list[str] = []
    if answer.read_as:
        lines.append(f"*Read as: {escape_markdown(answer.read_as)}*\n")
    if not answer.hits:
        lines.append(NOTHING_MATCHES)
        return "\n".join(lines)
    if not answer.found:
        lines.append(f"{escape_markdown(not_answered(answer))} {NEAREST}\n")
    for number, hit in enumerate(answer.hits, start=1):
        lines.append(_markdown_quote(hit, mark=answer.found))
        lines.append(f"\n\\[{number}\\] {escape_markdown(hit.citation)}\n")
        if hit.also:
            lines.append(f"{ALSO} {escape_markdown('; '.join(hit.also))}\n")
    return "\n".join(lines)


# ----- terminal text -------------------------------------------------------------------------


def _bold(text: str, enabled: bool) -> str:
    return f"\033[1m{text}\033[0m" if enabled else text


def _wrap(text: str, width: int) -> str:
    """Wrap at spaces only: a break after a hyphen copies from the terminal as "EU- mediated",
    and a split long word (a URL) as two, so the quote would no longer be verbatim."""
    return "\n".join(textwrap.fill(line, width, break_on_hyphens=False, break_long_words=False)
                     for line in text.split("\n"))


def hit_text(number: int, hit: Hit, *, found: bool, color: bool, width: int = 96) -> str:
    """One hit for a terminal: its citation, its answering (or, for a refusal, nearest) sentence,
    and the whole paragraph, the sentence in bold when ``color`` and the answer was found."""
    # A refusal's best sentence answers nothing: labelled as nearest and not in bold.
    label = "Answer" if found else "Nearest sentence"
    before, middle, after = quote_parts(hit, mark=True)
    out = [f"[{number}] {hit.citation}",
           textwrap.indent(_wrap(f"{label}: {' '.join(hit.sentence.split())}", width), "    "),
           textwrap.indent(_wrap(before + _bold(middle, color and found) + after, width), "    │ ")]
    if hit.truncated:
        out.append(f"    │ {BREAKS_OFF}")
    out += [textwrap.indent(_wrap(f"{FOOTNOTE} {note}", width), "      ") for note in hit.footnotes]
    out += [textwrap.indent(_wrap(warning, width), "    ") for warning in hit.warnings]
    if hit.also:
        out.append(textwrap.indent(_wrap(f"{ALSO} " + "; ".join(hit.also), width), "    "))
    return "\n".join(out) + "\n"


def render_text(answer: Answer, *, color: bool, width: int = 96) -> str:
    """An answer for a terminal: the verdict when it is a refusal, then every hit (see :func:`hit_text`)."""
    if not answer.hits:
        return NOTHING_MATCHES + "\n"
    out = [] if answer.found else [f"{not_answered(answer)} {NEAREST}\n"]
    out += [hit_text(n, hit, found=answer.found, color=color, width=width) for n, hit in enumerate(answer.hits, start=1)]
    return "\n".join(out)

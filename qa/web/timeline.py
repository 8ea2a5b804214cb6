"""The "Through the years" view and the "Where else was this said?" list, as HTML.

Every word shown is a quote: a timeline entry is its paragraph with the words the previous
entry's quote had in their place struck through (<del>) and the new ones underlined (<ins>).
"""

from __future__ import annotations

from qa.compare.reuse import Precedent
from qa.compare.track import SILENT_RUN, Track, TrackEntry
from qa.web.chat import anchor_id, escape
from qa.web.links import paragraph_actions

#: Below this share of words in common two quotes are different paragraphs, not one edited: marking
#: every word struck and inserted (as on G7 Ukraine 2021 -> 2022, 12 %) is noise, so the quote shows
#: whole and the marked version is folded under it.
MARK_SIMILARITY = 0.3


def _full_link(doc_id: str, number: str, text: str) -> str:
    """A citation opening the whole declaration at the paragraph (the page's script handles it)."""
    return f'<a class="qa-link qa-full-link" href="#{anchor_id(doc_id, number)}">{escape(text)}</a>'


def marked(new: str, changes) -> str:
    """``new`` as HTML with each change in place: <del>old words</del><ins>new words</ins>."""
    out, at = [], 0
    for change in changes:
        start, end = change.new
        out.append(escape(new[at:start]))
        if change.old_text:
            out.append(f"<del>{escape(change.old_text)}</del>")
        if change.new_text:
            out.append(f"<ins>{escape(change.new_text)}</ins>")
        at = end
    out.append(escape(new[at:]))
    return "".join(out)


def _entry(entry: TrackEntry) -> str:
    head = f'<div class="qa-when">{escape(entry.date or "undated")}</div><div class="qa-what"><h4>{escape(entry.title)}</h4>'
    if entry.silent:
        return f'<li class="qa-entry qa-silent">{head}<p><em>Silent on this topic.</em></p></div></li>'
    best = entry.best
    if entry.diff is None:
        body, note = escape(best.text), "First quote on the timeline."
    elif entry.diff.similarity < MARK_SIMILARITY:
        share = f"{entry.diff.similarity:.0%}"
        body = escape(best.text) + (
            f'</blockquote><details class="qa-changes">'
            f'<summary>{escape(f"Word changes from the quote before ({share} in common)")}'
            f"</summary><blockquote>{marked(best.text, entry.diff.changes)}"
        )
        note = f"New wording: {share} of the words in common with the quote before; the changes are folded below."
    else:
        body = marked(best.text, entry.diff.changes)
        note = f"Changes from the quote before: {entry.diff.similarity:.0%} of the words in common."
    return (
        f'<li class="qa-entry">{head}<p class="qa-note">{escape(note)}</p><blockquote>{body}</blockquote>'
        f'<p class="qa-cite">{_full_link(best.doc_id, best.paragraph, best.citation)} '
        f"{paragraph_actions(best.doc_id, best.paragraph)}</p></div></li>"
    )


def _silent_run(run: list[TrackEntry]) -> str:
    """Several silent declarations in a row, as one entry whose list unfolds."""
    first, last = run[0].date or "undated", run[-1].date or "undated"
    when = first if first == last else f"{first} to {last}"
    titles = "".join(f"<li>{escape(e.date or 'undated')} · {escape(e.title)}</li>" for e in run)
    return (f'<li class="qa-entry qa-silent"><div class="qa-when">{escape(when)}</div><div class="qa-what">'
            f"<details><summary>{escape(f'{len(run)} declarations are silent on this topic')}</summary>"
            f'<ul class="qa-silent-list">{titles}</ul></details></div></li>')


def render_track(timeline: Track) -> str:
    """The timeline, oldest first; silent declarations listed as silent, three or more in a row
    folded into one entry; how the topic narrowed the declarations followed, if it did."""
    said = len(timeline.addressed)
    summary = f"{said} of {len(timeline.entries)} declarations address “{timeline.topic}”."
    if timeline.narrowed_as:
        summary += f" Read as: only {timeline.narrowed_as}, as the topic names it."
    legend = 'Words <ins>added</ins> and <del>removed</del> since the quote before.'
    rows = "".join(_silent_run(run) if len(run) >= SILENT_RUN else "".join(_entry(e) for e in run)
                   for run in timeline.runs())
    return f'<div class="qa-track"><p>{escape(summary)} {legend}</p><ol class="qa-timeline">{rows}</ol></div>'


def render_precedents(text: str, cited: str | None, found: list[Precedent]) -> str:
    """Where else a paragraph's words were used, oldest first, the reused words marked."""
    title = f"Where else was this said? {cited}" if cited else "Where else was this said?"
    if not found:
        return (f'<div class="qa-precedents"><h3>{escape(title)}</h3>'
                f"<p>{escape('No other passage in the library reuses this wording.')}</p></div>")
    items = []
    for item in found:
        spans = sorted(passage for _, passage in item.matches)
        body, at = [], 0
        for start, end in spans:
            body += [escape(item.text[at:start]), f"<mark>{escape(item.text[start:end])}</mark>"]
            at = end
        body.append(escape(item.text[at:]))
        # The passage's words -> the text's words: mostly older -> newer.
        edits = "".join(f"<li><del>{escape(c.new_text)}</del> → <ins>{escape(c.old_text)}</ins></li>"
                        for c in item.diff.changes if c.old_text and c.new_text and len(c.new_text) < 80)
        items.append(
            f'<li class="qa-precedent"><p class="qa-cite">{_full_link(item.doc_id, item.paragraph, item.citation)} '
            f"<strong>{item.reused:.0%}</strong> {escape('of the words reused')} "
            f"{paragraph_actions(item.doc_id, item.paragraph)}</p>"
            f"<blockquote>{''.join(body)}</blockquote>"
            + (f'<details><summary>{escape("Edits: its words → this text’s")}</summary><ul>{edits}</ul></details>'
               if edits else "")
            + "</li>"
        )
    count = f"{len(found)} passage" + ("s" if len(found) != 1 else "")
    return (f'<div class="qa-precedents"><h3>{escape(title)}</h3><p>{escape(count + ", oldest first; reused words marked.")}</p>'
            f"<ol>{''.join(items)}</ol></div>")

"""The Declarations tab: a table of every declaration to search, sort and filter, opening one from a row.

The table has one row per declaration (title, issuer, kind, date, symbol, paragraphs, id),
newest first. Gradio's table sorts by a click on a column's header and searches as one types;
the issuer and year menus above it narrow it with the library's own filters
(qa.search.filters), and a click on a row opens the declaration in full below.

Example:
    >>> rows = catalog_rows(declarations, issuer="G7")
    >>> rows[0][:3]
    ['Apulia G7 Leaders’ Communiqué', 'G7', 'communiqué']
"""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr

from qa.documents import Declaration
from qa.errors import QAError
from qa.search.filters import Filters, issuer_menu, years

COLUMNS = ["Title", "Issuer", "Kind", "Date", "Symbol", "Paragraphs", "Id"]
ALL = "All issuers"


def catalog_rows(
    declarations: Sequence[Declaration], *, issuer: str | None = None,
    year_from: int | None = None, year_to: int | None = None,
) -> list[list[object]]:
    """The table's rows for the declarations the filters allow, newest first (undated last).

    Raises:
        InvalidOptionError: For an issuer no declaration has, or filters nothing passes.
    """
    low, high = year_from, year_to
    if low is not None and high is not None and low > high:
        low, high = high, low
    chosen = Filters.of(issuer=None if issuer in (None, "", ALL) else issuer,
                        year_from=low, year_to=high).select(declarations)
    ordered = sorted(chosen, key=lambda d: (d.date or "0000", d.doc_id), reverse=True)
    return [[d.title, d.issuer, d.kind, d.date, d.symbol, len(d.paragraphs), d.doc_id] for d in ordered]


def issuer_choices(declarations: Sequence[Declaration]) -> list[tuple[str, str]]:
    """The issuer menu, (label, value): "All issuers", then every issuer, a pair or body written
    several ways once (qa.search.filters.issuer_menu)."""
    return [(ALL, ALL), *issuer_menu(declarations)]


def year_choices(declarations: Sequence[Declaration]) -> list[int]:
    return years(declarations)


def build_tab(chat, *, select, view):
    """The table and its menus inside the current Gradio block; a row click shows it in ``view``
    and sets ``select`` (the declaration menu) to it. Returns the table."""
    declarations = chat.declarations
    held = year_choices(declarations) or [None]
    with gr.Row():
        issuer = gr.Dropdown(choices=issuer_choices(declarations), value=ALL, label="Issuer",
                             elem_id="qa-catalog-issuer")
        low = gr.Dropdown(choices=year_choices(declarations), value=held[0], label="From year",
                          elem_id="qa-catalog-from")
        high = gr.Dropdown(choices=year_choices(declarations), value=held[-1], label="To year",
                           elem_id="qa-catalog-to")
    note = gr.Markdown(_count(len(declarations), len(declarations)), elem_id="qa-catalog-count")
    table = gr.Dataframe(
        value=catalog_rows(declarations), headers=COLUMNS, interactive=False, show_search="search",
        max_height=420, wrap=True, elem_id="qa-catalog", column_widths=["40%", "14%", "11%", "10%", "10%", "7%", "8%"],
    )

    def refilter(chosen_issuer, year_from, year_to):
        try:
            rows = catalog_rows(declarations, issuer=chosen_issuer, year_from=_int(year_from), year_to=_int(year_to))
        except QAError as exc:
            return [], str(exc)
        return rows, _count(len(rows), len(declarations))

    def open_row(event: gr.SelectData):
        row = getattr(event, "row_value", None) or []
        doc_id = str(row[-1]) if row else ""
        return doc_id or gr.update(), chat.declaration(doc_id)

    for menu in (issuer, low, high):
        menu.input(refilter, [issuer, low, high], [table, note], api_visibility="private")
    table.select(open_row, None, [select, view], api_visibility="private")
    return table


def _count(shown: int, total: int) -> str:
    return f"{shown} of {total} declarations. Sort from a column's ⋮ menu; click a row to read it."


def _int(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None

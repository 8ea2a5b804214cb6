"""Metadata: title, date, place and issuer from a declaration's header lines and the catalog.

Precedence for each field: the catalog (corpus/catalog.toml), then the file's own header or
format metadata (HTML <title>, PDF info), then a guess (a title made from the file stem, the
first date in the opening paragraphs; the issuer, place or year the title, the opening or the
file name give: qa.ingest.metadata_guesses), else missing. ``metadata_origin`` records which.
A date guessed from a year alone is that year ("2024", ISO 8601's reduced precision).

Example:
    >>> find_date("Issued on 20 May. 2012")
    '2012-05-20'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.ingest.catalog import CatalogEntry
from qa.ingest.metadata_guesses import guess_issuer, guess_place, guess_year, years_named

FIELDS = ("title", "date", "place", "issuer")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2})?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<iso>\d{4}-\d{2}-\d{2})(?!\d)"),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
]
_PLACE_BEFORE_DATE = re.compile(r"^(?P<place>[A-Z][^\d]{1,60}?),\s*$")
_PLACE_IN_ON = re.compile(r"\bin (?P<place>[A-Z][\w.'’ -]{1,40}?),? on\s*$")
_PLACE_LINE = re.compile(r"[A-Z][\w.'’-]*(?: [\w.'’-]+)*(?:, [A-Z][\w.'’ -]*)+")
_PLACE_VERB = re.compile(r"^(?:adopted|done|issued|signed|made|given|held)\s+(?:at|in)\s+", re.IGNORECASE)
_ISSUED_BY = re.compile(r"\bIssued by (?:the )?(?P<issuer>.+?)(?: in [A-Z].*| on \d.*)?$")
# A header line that names its field, as records and exported archives write them: "Title: …",
# "Date: 5 May 2023", "Place: Tokyo", "Issued by: the Harbour Group", "Symbol: HG/2023/1".
_LABELS = {"title": "title", "date": "date", "date of issue": "date", "date of adoption": "date",
           "place": "place", "location": "place", "venue": "place", "city": "place",
           "issuer": "issuer", "issued by": "issuer", "symbol": "symbol", "document symbol": "symbol"}
_LABELLED = re.compile(rf"^\s*(?P<label>{'|'.join(sorted(_LABELS, key=len, reverse=True))})\s*:\s*(?P<value>\S.*?)\s*$",
                       re.IGNORECASE)
# Lines of a press release above its title: "FOR IMMEDIATE RELEASE", "Press Release", "Embargoed until …".
_RELEASE_LINE = re.compile(r"^\s*(?:for immediate release|(?:press|news|media) release|embargoed\b.*|for release\b.*)\W*$",
                           re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)


@dataclass(frozen=True)
class Metadata:
    """Resolved metadata and where each field came from."""

    title: str
    date: str
    place: str
    issuer: str
    origin: dict[str, str]


def find_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601 ("15-16 November 2022" gives "2022-11-15")."""
    dates = find_dates(text)
    return dates[0] if dates else None


def find_dates(text: str) -> list[str]:
    """Every date in ``text`` as ISO 8601, in the order they stand."""
    found = sorted((match.start(), iso) for pattern in _DATE_PATTERNS for match in pattern.finditer(text)
                   if (iso := _iso(match)))
    return [iso for _, iso in found]


def _iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        if groups.get("iso"):
            return dt.date.fromisoformat(groups["iso"]).isoformat()
        month = _MONTHS[groups["month"].lower()]
        return dt.date(int(groups["year"]), month, int(groups["day"])).isoformat()
    except ValueError:
        return None


def header_fields(header: Sequence[str], *, titled: bool = False) -> dict[str, str]:
    """Title, date, place and issuer (and a symbol) that the header lines state outright.

    The title is the first line that is not a press release's line ("FOR IMMEDIATE RELEASE"),
    a date alone ("Friday, May 5, 2023") or a labelled line; a labelled line ("Title: …",
    "Date: …", "Place: …", "Issued by: …", "Symbol: …") gives its field, over what the other
    lines suggest. ``titled``: the title is known already (Markdown front matter), so no line is
    taken for it and a dateline's place is read ("September 29, 2021" / "Pittsburgh, Pennsylvania").
    """
    labelled: dict[str, str] = {}
    plain: list[str] = []  # the lines that name no field
    for line in header:
        if (match := _LABELLED.match(line)) is None:
            plain.append(line)
            continue
        field, value = _LABELS[" ".join(match["label"].lower().split())], match["value"]
        if field == "date":
            value = find_date(value)
        elif field == "issuer":  # "Issued by: the Harbour Group", as _ISSUED_BY reads it
            value = value.removeprefix("the ").strip()
        if value and field not in labelled:
            labelled[field] = value
    title_at = None if titled else next((i for i, line in enumerate(plain) if line.strip()
                                         and not _RELEASE_LINE.match(line) and not _date_alone(line)), None)
    out: dict[str, str] = {}
    if title_at is not None:
        out["title"] = plain[title_at].strip()
    for i, line in enumerate(plain):
        if i == title_at:
            continue
        date = find_date(line)
        if date and "date" not in out:
            out["date"] = date
            start = min(m.start() for p in _DATE_PATTERNS for m in [p.search(line)] if m)
            before = line[:start]
            place = _PLACE_IN_ON.search(before) or _PLACE_BEFORE_DATE.match(before)
            if place and "place" not in out and not _WEEKDAY.fullmatch(place.group("place").strip()):  # "Friday, 5 May"
                out["place"] = _PLACE_VERB.sub("", place.group("place")).strip()
        elif not date and "place" not in out and _PLACE_LINE.fullmatch(line.strip()):
            out["place"] = line.strip()
        if (issued := _ISSUED_BY.search(line)) and "issuer" not in out:
            out["issuer"] = issued.group("issuer").strip()
    return {**out, **labelled}


def labelled(line: str) -> bool:
    """True for a header line that names its field ("Issued by: the Harbour Group")."""
    return _LABELLED.match(line) is not None


def _date_alone(line: str) -> bool:
    """True for a line that is a date and nothing more ("May 5, 2023", "Friday, 5 May 2023")."""
    if not find_date(line):
        return False
    rest = line
    for pattern in _DATE_PATTERNS:
        rest = pattern.sub(" ", rest)
    return not re.search(r"[^\W\d_]", _WEEKDAY.sub(" ", rest))


def resolve(
    doc_id: str,
    entry: CatalogEntry,
    stated: Mapping[str, str],
    *,
    guessed: Mapping[str, str] | None = None,
    opening_text: str = "",
) -> Metadata:
    """Combine the catalog entry, stated fields (file header or format metadata) and guesses.

    Args:
        doc_id: The file stem; a title is guessed from it when nothing else gives one.
        entry: The catalog's entry for the declaration (may be empty).
        stated: Fields the file states outright (header lines, HTML <meta>, PDF title).
        guessed: Weak hints from the format, used only where neither the text nor its title
            gives a guess (an HTML page's site name or author, for the issuer).
        opening_text: The first paragraphs; their first date is a guess for ``date``, unless it
            is older than the latest year the title or the file name gives (see _opening_date).
    """
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    guesses = {"title": doc_id.replace("-", " ").replace("_", " ").strip().capitalize()}
    title = entry.title or stated.get("title") or ""
    if (date := _opening_date(find_dates(opening_text), years_named(title, doc_id))) is not None:
        guesses["date"] = date
    for name, value in (("issuer", guess_issuer(title, opening_text)), ("place", guess_place(opening_text)),
                        ("date", guess_year(title, doc_id))):  # a year alone, after any full date
        if value:
            guesses.setdefault(name, value)
    for name, value in (guessed or {}).items():  # the format's hints come last
        if value:
            guesses.setdefault(name, value)
    for name in FIELDS:
        given = getattr(entry, name)
        if given:
            values[name], origin[name] = given, "catalog"
        elif stated.get(name):
            values[name], origin[name] = stated[name], "header"
        elif guesses.get(name):
            values[name], origin[name] = guesses[name], "guessed"
        else:
            values[name], origin[name] = "", "missing"
    return Metadata(origin=origin, **values)


def _opening_date(dates: list[str], years: set[int]) -> str | None:
    """The opening's first date of a year the title or the file name gives, else its first date
    not before the latest of those years: "Recalling the Universal Declaration of Human Rights
    of 10 December 1948" is a date the text cites, not its own."""
    if (date := next((d for d in dates if int(d[:4]) in years), None)) is not None:
        return date
    return next((d for d in dates if not years or int(d[:4]) >= max(years)), None)

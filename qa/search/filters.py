"""Filters: which declarations a search may rank, by id, issuer, year and kind.

A filter is resolved to the declarations it allows before ranking: the library turns them
into a row mask that FAISS applies as an ID selector and BM25 as its candidate rows
(qa.search.retrieval), so a narrowed search still returns k hits when k exist.

Example:
    >>> f = Filters(issuer=("G7",), year_from=2024)
    >>> [d.doc_id for d in f.select(declarations)]
    ['g7-2024-apulia']
    >>> f.describe()
    'issuer G7, years from 2024'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.documents import Declaration
from qa.errors import InvalidOptionError, UnknownDocumentError
from qa.ingest.kinds import KINDS, normalise_kind
from qa.ingest.metadata_guesses import title_speaker

_LIST_AT_MOST = 12  # ids an error lists before "…": enough to see the spelling wanted
#: Issuers and kinds an error lists before "…": a library has few, and a user choosing one must
#: see them all (the 21 issuers of ../shared cut at 12 hid the General Assembly's 328 texts).
_VALUES_AT_MOST = 60
_TITLES_AT_MOST = 3  # declarations a speakers' filter names by title; beyond, it says how many


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; an empty field means "any".

    Attributes:
        doc_ids: Only these declarations.
        issuer: Only declarations by one of these issuers (case does not matter).
        year_from: Only declarations of this year or later (undated ones are left out).
        year_to: Only declarations of this year or earlier (undated ones are left out).
        kind: Only declarations of one of these kinds (qa.ingest.kinds.KINDS).
        speakers: The names a question gave as who spoke ("Biden", "Kishida"), which chose
            ``doc_ids`` (qa.answers.narrowing); they select nothing themselves, and stop
            counting in the word matching as an issuer's name does.
        month_from: With ``year_from``, only from this month (1-12) of that year on ("since
            March 2022"); a declaration dated by its year alone passes on its year.
        month_to: With ``year_to``, only up to this month of that year.
    """

    doc_ids: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    kind: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    month_from: int | None = None
    month_to: int | None = None

    def __post_init__(self) -> None:
        for month, year, name in ((self.month_from, self.year_from, "month_from"), (self.month_to, self.year_to, "month_to")):
            if month is not None and (year is None or not 1 <= month <= 12):
                raise InvalidOptionError(f"{name} must be a month from 1 to 12 with a year beside it; got {month!r}.")

    @classmethod
    def of(
        cls,
        *,
        doc_ids: Iterable[str] | str | None = None,
        issuer: Iterable[str] | str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        kind: Iterable[str] | str | None = None,
    ) -> Filters:
        """Filters from the library's keyword arguments (a string or several for each list).
        ``year_from`` and ``year_to`` are a year (2024, "2024") or a month of one ("2024-03").

        Raises:
            InvalidOptionError: For a value of the wrong type or a date range that is backwards.
        """
        (year_from, month_from), (year_to, month_to) = _bound(year_from, "year_from"), _bound(year_to, "year_to")
        if year_from is not None and year_to is not None and (year_from, month_from or 1) > (year_to, month_to or 12):
            raise InvalidOptionError(
                f"year_from {_when(year_from, month_from)} is after year_to {_when(year_to, month_to)}: "
                "swap them, or leave one out."
            )
        return cls(_names(doc_ids, "doc_ids"), _names(issuer, "issuer"), year_from, year_to,
                   tuple(normalise_kind(k) for k in _names(kind, "kind")), month_from=month_from, month_to=month_to)

    @property
    def empty(self) -> bool:
        return self == Filters()

    def describe(self, titles: Mapping[str, str] | None = None) -> str:
        """The filter in words: "issuer G7, years 2021-2024, kind communiqué" ("year 2024", "years
        from 2024", "years up to 2024"); with ``titles``
        (doc_id to title), each declaration kept is named by its title too: "declarations United
        Nations Declaration on the Rights of Indigenous Peoples (un-2007-undrip)"."""
        parts = []
        listed = _listed_by_title(self.doc_ids, titles or {})
        if self.speakers:  # "declarations where Biden and Kishida speak: <title> (<id>)", or how many
            spoke = f"where {' and '.join(self.speakers)} speak{'s' if len(self.speakers) == 1 else ''}"
            many = len(self.doc_ids) > _TITLES_AT_MOST
            parts.append(f"the {len(self.doc_ids)} declarations {spoke}" if many else f"declarations {spoke}: {listed}")
        elif self.doc_ids:
            parts.append(f"declarations {listed}")
        if self.issuer:
            parts.append("issuer " + " or ".join(self.issuer))
        if self.month_from is not None or self.month_to is not None:
            parts.append(self._months())
        elif self.year_from is not None and self.year_from == self.year_to:
            parts.append(f"year {self.year_from}")
        elif self.year_from is not None and self.year_to is not None:
            parts.append(f"years {self.year_from}-{self.year_to}")
        elif self.year_from is not None:
            parts.append(f"years from {self.year_from}")
        elif self.year_to is not None:
            parts.append(f"years up to {self.year_to}")
        if self.kind:
            parts.append("kind " + " or ".join(self.kind))
        return ", ".join(parts)

    def _months(self) -> str:
        """The dates in words when a month bounds them: "January 2022", "January-March 2022",
        "March 2021 to 2022", "from March 2022", "up to June 2021"."""
        low, high = _when(self.year_from, self.month_from), _when(self.year_to, self.month_to)
        if self.year_from is not None and self.year_from == self.year_to and self.month_from and self.month_to:
            if self.month_from == self.month_to:
                return low
            return f"{MONTHS[self.month_from - 1]}-{MONTHS[self.month_to - 1]} {self.year_to}"
        if self.year_from is not None and self.year_to is not None:
            return f"{low} to {high}"
        return f"from {low}" if self.year_from is not None else f"up to {high}"

    def select(self, declarations: Sequence[Declaration]) -> list[Declaration]:
        """The declarations the filter allows, in their order.

        Raises:
            UnknownDocumentError: For a doc_id no declaration has.
            InvalidOptionError: For an issuer or kind no declaration has (naming those that
                exist), or when no declaration passes every filter.
        """
        chosen = list(declarations)
        if self.empty:
            return chosen
        if self.doc_ids:
            known = {d.doc_id for d in declarations}
            missing = [i for i in self.doc_ids if i not in known]
            if missing:
                raise UnknownDocumentError(
                    f"No declaration has the id {missing[0]!r}. Known ids: {_listed(sorted(known))}."
                )
            chosen = [d for d in chosen if d.doc_id in self.doc_ids]
        if self.issuer:
            _check_values("issuer", self.issuer, issuers(declarations), key=same_issuer)
            chosen = by_issuer(chosen, self.issuer)
        if self.kind:
            _check_values("kind", self.kind, kinds(declarations), every=KINDS)
            chosen = [d for d in chosen if d.kind in self.kind]
        if self.year_from is not None:  # (year, month); a declaration dated by its year alone passes on its year
            low = (self.year_from, self.month_from or 1)
            chosen = [d for d in chosen if d.year is not None and (d.year, d.month or 12) >= low]
        if self.year_to is not None:
            high = (self.year_to, self.month_to or 12)
            chosen = [d for d in chosen if d.year is not None and (d.year, d.month or 1) <= high]
        if not chosen:
            raise InvalidOptionError(
                f"No declaration matches {self.describe()}: widen the year range or choose more "
                f"declarations (the library's years run {_year_span(declarations)})."
            )
        return chosen


def by_issuer(declarations: Iterable[Declaration], issuers: Iterable[str]) -> list[Declaration]:
    """The declarations by one of ``issuers``, in order: those one of whose :func:`issuer_names`
    is one of them, and those with no issuer (or a guessed one) whose title names one as a word
    ("G7 Leaders’ Statement", a White House page without a catalog entry, is the G7's;
    "ASEAN-U.S. Leaders’ Statement" is not ASEAN's)."""
    names = [i for i in issuers if i.strip()]
    wanted = {same_issuer(i) for i in names}
    return [d for d in declarations
            if any(same_issuer(name) in wanted for name in issuer_names(d))
            or issuer_unsure(d) and any(_title_names_issuer(d.title, i) for i in names)]


def _title_names_issuer(title: str, issuer: str) -> bool:
    """True if a title names ``issuer`` as a word; a joint issuer in either order and by any of
    its parties' names ("EU-US" is named by "U.S.-EU Cooperation on Energy Security"), as the
    filter keeps the pair's declarations however it is written (:func:`same_issuer`)."""
    pair = parties(issuer)
    if not pair:
        return title_names(title, issuer)
    first, second = ((party, *PARTY_NAMES.get(party_key(party), ())) for party in pair)
    return any(title_names(title, f"{a}-{b}") for one, other in ((first, second), (second, first))
               for a in one for b in other)


def issuer_unsure(decl: Declaration) -> bool:
    """No issuer, or only a guessed one ("Group of Seven" from the opening of the "Carbis Bay G7
    Summit Communiqué"): its title may name the issuer another way."""
    return not decl.issuer or (decl.metadata_origin or {}).get("issuer") == "guessed"


def issuer_names(decl: Declaration) -> tuple[str, ...]:
    """What a declaration's issuer is called: its issuer, and the speaker its title names where
    titles put one, when the issuer has no short name of its own ("NATO" for the "NATO
    declaration from Chicago", whose header says it was "Issued by the Heads of State and
    Government participating in the meeting of the North Atlantic Council";
    qa.ingest.metadata_guesses.title_speaker)."""
    spoken = title_speaker(decl.title) if decl.title else None
    if not decl.issuer:
        return (spoken,) if spoken else ()
    if not spoken or same_issuer(spoken) == same_issuer(decl.issuer) or short_names(decl.issuer):
        return (decl.issuer,)  # "ASEAN" is named as it is, not also as the title's "ASEAN-China"
    return decl.issuer, spoken


def short_names(issuer: str) -> list[str]:
    """The words of an issuer's name that can stand for it alone: acronyms and G-numbers
    ("ASEAN", "G7", "NATO"; not "U.S." or "UN")."""
    return [part for part in re.split(r"[-\s/]+", issuer) if _distinctive(part)]


def _distinctive(word: str) -> bool:
    letters = word.strip(".")
    if "." in letters:  # "U.S.", "U.K.": a country's abbreviation, a party to many joint statements
        return False
    return len(letters) >= 3 and letters.isupper() or bool(re.fullmatch(r"G\d+", letters))


def keeps_case(name: str) -> bool:
    """An acronym or a G-number ("NATO", "US", "G7") is found only in its own case ("us" is a word)."""
    return name.isupper() or re.fullmatch(r"G\d+", name) is not None


@lru_cache(maxsize=8192)  # the same titles are read for every question that names an issuer
def title_names(text: str, name: str) -> bool:
    """True if ``name`` stands in ``text`` (a title, a question) as a whole word (not inside
    "ASEAN-U.S."); an acronym ("G7", "NATO") must match its case, a longer name need not."""
    name = name.strip()
    if not name:
        return False
    flags = 0 if keeps_case(name) else re.IGNORECASE
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w]|-\w)", text, flags) is not None


def issuers(declarations: Iterable[Declaration]) -> list[str]:
    """Every issuer the declarations name (each one's :func:`issuer_names`), sorted, each once."""
    return sorted({name for d in declarations for name in issuer_names(d)}, key=str.casefold)


def issuer_menu(declarations: Iterable[Declaration]) -> list[tuple[str, str]]:
    """The issuers as a menu offers them: (label, value), one entry for each body or pair however
    many ways it is written ("Japan-U.S. / U.S.-Japan", "UN General Assembly / United Nations
    General Assembly"), sorted by label; the value is one of its names, which as a filter keeps
    every spelling (:func:`same_issuer`)."""
    spelled: dict[str, list[str]] = {}
    for name in issuers(declarations):
        spelled.setdefault(same_issuer(name), []).append(name)
    return sorted(((" / ".join(names), names[0]) for names in spelled.values()), key=lambda entry: entry[0].casefold())


def kinds(declarations: Iterable[Declaration]) -> list[str]:
    """Every kind the declarations have, in the order of :data:`KINDS`."""
    held = {d.kind for d in declarations if d.kind}
    return [k for k in KINDS if k in held] + sorted(held - set(KINDS))


def issuers_listed(declarations: Iterable[Declaration]) -> str:
    """The library's issuers as an error lists them ("APEC, ASEAN, …"), for a user to choose from."""
    return _listed(issuers(declarations), _VALUES_AT_MOST)


def years(declarations: Iterable[Declaration]) -> list[int]:
    """Every year the declarations are dated, ascending."""
    return sorted({d.year for d in declarations if d.year is not None})


def _check_values(
    name: str, given: tuple[str, ...], held: list[str], *, every: Sequence[str] = (), key: Callable[[str], str] | None = None
) -> None:
    key = key or _key
    keys = {key(h) for h in held}
    for value in given:
        if key(value) not in keys:
            also = f" (a kind is one of {', '.join(every)})" if every else ""
            raise InvalidOptionError(
                f"No declaration has the {name} {value!r}. The library's {name} values are: "
                f"{_listed(held, _VALUES_AT_MOST)}{also}."
            )


def _key(text: str) -> str:
    return " ".join(str(text).casefold().split())


#: "UN" written out: "UN General Assembly" and "United Nations General Assembly" are one issuer.
_UN = re.compile(r"^(?:un|u\.n\.)(?=\s)")


def issuer_key(text: str) -> str:
    """An issuer's name compared case-blind, with a leading "UN" written out as "United Nations"
    (a catalog's "UN General Assembly" and a resolution's printed "United Nations General
    Assembly" are the same body)."""
    return _UN.sub("united nations", _key(text))


#: The other names of a party to a joint issuer ("U.S.-Japan"), by its name without dots or
#: spaces, case-blind: "U.S." is also "US", "USA" and "the United States".
PARTY_NAMES = {
    "us": ("U.S.", "US", "USA", "U.S.A.", "United States", "America"),
    "eu": ("EU", "E.U.", "European Union"),
    "uk": ("UK", "U.K.", "United Kingdom", "Britain"),
    "rok": ("ROK", "Republic of Korea", "South Korea"),
    "un": ("UN", "U.N.", "United Nations"),
}


def _squeezed(name: str) -> str:
    return re.sub(r"[.\s]", "", name.casefold())


# Every name of a party in PARTY_NAMES -> its key there ("united states" -> "us").
_PARTY_KEYS = {_squeezed(name): key for key, names in PARTY_NAMES.items() for name in (key, *names)}


def party_key(name: str) -> str:
    """One key for a party however it is written ("U.S.", "US", "United States" -> "us")."""
    return _PARTY_KEYS.get(_squeezed(name), _squeezed(name))


def parties(issuer: str) -> list[str]:
    """The two parties of a joint issuer, names joined by a hyphen ("U.S.-Japan", "ASEAN-China",
    "U.S.- ROK"); [] for any other name."""
    names = [part.strip() for part in re.split(r"\s*-\s*", issuer) if part.strip()]
    return names if len(names) == 2 else []


@lru_cache(maxsize=4096)  # a library has a few issuer names, read for every declaration a filter chooses among
def same_issuer(text: str) -> str:
    """What an issuer is however it is spelled: its :func:`issuer_key`, and for a joint issuer
    its two parties' keys in order, so "Japan-U.S." and "U.S.-Japan" (or "US-Japan") are one
    pair, as a filter and a question's narrowing read them."""
    pair = parties(text)
    return "-".join(sorted(party_key(party) for party in pair)) if pair else issuer_key(text)


def _listed_by_title(doc_ids: Sequence[str], titles: Mapping[str, str]) -> str:
    """The declarations named by their titles, a title shared by several (one text from two
    sources: "G20 Bali Leaders' Declaration") once, with each id: "Title (id1, id2), other-id"."""
    grouped: dict[str, list[str]] = {}
    for doc_id in doc_ids:
        title = titles.get(doc_id)
        key = " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split()) if title else f"\0{doc_id}"
        grouped.setdefault(key, []).append(doc_id)
    return ", ".join(f"{titles[ids[0]]} ({', '.join(ids)})" if titles.get(ids[0]) else ids[0] for ids in grouped.values())


def _listed(values: Sequence[str], at_most: int = _LIST_AT_MOST) -> str:
    shown = ", ".join(values[:at_most])
    return shown + (f", … ({len(values)} in all)" if len(values) > at_most else "") if values else "none"


def _year_span(declarations: Sequence[Declaration]) -> str:
    held = years(declarations)
    return f"{held[0]} to {held[-1]}" if held else "undated"


def _names(value: Iterable[str] | str | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    try:
        items = list(items)
    except TypeError:
        raise InvalidOptionError(f"{name} must be a string or a list of strings, got {value!r}.") from None
    if not all(isinstance(v, str) for v in items):
        raise InvalidOptionError(f"{name} must be a string or a list of strings, got {value!r}.")
    return tuple(v.strip() for v in items if v.strip())


#: The months, as dates in words name them (Filters.describe).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{1,2}))?")


def _bound(value: object, name: str) -> tuple[int | None, int | None]:
    """A date bound as (year, month or None): 2024, "2024" or "2024-03"."""
    if value is None:
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    found = _YEAR_MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None or found.group(2) is not None and not 1 <= int(found.group(2)) <= 12:
        raise InvalidOptionError(f"{name} must be a year such as 2024 or a month such as 2024-03, got {value!r}.")
    return int(found.group(1)), None if found.group(2) is None else int(found.group(2))


def _when(year: int | None, month: int | None) -> str:
    """"March 2022", or "2022" without a month."""
    return f"{year}" if month is None else f"{MONTHS[month - 1]} {year}"

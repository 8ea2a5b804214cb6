"""Narrowing: a question that names an issuer or a year the library holds searches only those.

"What did the G7 say about AI in 2024?" is read as issuer G7, year 2024. Only what the
library holds narrows: an issuer is one of its issuers' names (or a word of one, so "ASEAN"
also keeps the "ASEAN-U.S." statements), a year one in which that issuer (or, with no
issuer named, any declaration) spoke. A year alone narrows only when it stands beside a word
for a meeting or a text ("the 2022 summit", "the 2024 communiqué") or after "say/said in":
"What did NATO say about the mission ending in 2014?" keeps 2014 as the question's topic.
A span of years narrows alike ("Between 2021 and 2022, what did …", "since 2023", "before
2020"), where it keeps some of the library's years and leaves out others. A month before a
year ("in January 2022", "the 15 March 2022 statement", "since March 2022", "between January and
March 2022") narrows to it where the declarations kept hold one of that month; else to the year.
"The latest G7 summit" or "what did NATO most recently say" narrows to the last year the issuer
named spoke in.
A joint issuer ("U.S.-Japan", "ASEAN-U.S.") is named by its two parties together, in either order
and by any of their names ("Japan and the US", "ASEAN-US"). A declaration named by the initials
of its title's capitalised words ("UNDRIP" for the "United Nations Declaration on the Rights of
Indigenous Peoples") narrows to that declaration, and so does a resolution the question reads by
its symbol or number ("What does resolution 78/3 say about …"), or by its title or the part of
it naming the text ("What did the Golden Gate Declaration say about …"). So does
the place a declaration was adopted at, where the words around it name a text or a meeting held
there ("the Chicago summit", "the summit in Vientiane", "mentioned in Bali", "the G20 in Bali"),
not where it is the topic ("the weather in Bali").

Example:
    >>> implied = implied_filters("What did the G7 say about AI in 2024?", declarations)
    >>> implied.describe()
    'issuer G7, year 2024'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from qa.documents import Declaration
from qa.search.filters import (
    PARTY_NAMES,
    Filters,
    by_issuer,
    issuers,
    keeps_case,
    parties,
    party_key,
    same_issuer,
    short_names,
    title_names,
)
from qa.text.tokens import tokenize

#: A year a question can name, as a group (one pattern for a year alone and for spans of years).
_Y = r"(1[6-9]\d\d|20\d\d)"
_YEAR = re.compile(rf"(?<!\d){_Y}(?!\d)")
#: A month's name, written out or cut short ("Sept.", "Jan"), case-folded, and its number.
MONTH_NUMBERS = _MONTHS = {name: number for number, names in enumerate((
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
    "september sept sep", "october oct", "november nov", "december dec"), 1) for name in names.split()}
#: A month's name as a pattern (any case with re.IGNORECASE), its full stop included ("Sept.").
MONTH = _MONTH = r"(?<!\w)(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
# ... and a day beside it: "15 March", "March 15,".
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_MONTH_DAY = rf"(?:{_DAY}\s+(?:of\s+)?)?{_MONTH}\s+(?:{_DAY},?\s+)?"
# The month (and day) right before a year: "January ", "15 March ", "March 15, ", "the 3rd of June ".
_MONTH_BEFORE = re.compile(rf"(?:{_DAY}\s+(?:of\s+)?)?(?P<month>{_MONTH})\s+(?:{_DAY},?\s+)?$", re.IGNORECASE)
# The most characters a month and its day take before a year ("the 30th of September "): a month
# is looked for that far back only, not from the question's start for every year.
_MONTH_REACH = 32
# Two months of one year: "between January and March 2022", "from May to July 2021", "January-March 2022".
_MONTH_SPAN = re.compile(rf"(?:\b(?:between|from)\s+(?P<first>{_MONTH})\s+(?:and|to|until|till|through)\s+|"
                         rf"(?P<first_>{_MONTH})\s*[-–—]\s*)(?P<last>{_MONTH})\s+(?P<year>1[6-9]\d\d|20\d\d)(?!\d)",
                         re.IGNORECASE)
# A year that dates the text rather than the topic: "the 2022 summit", "in its 2024 communiqué",
# "say in 2024", "statements of 2021", "In 2021, what did …".
_TEXT_WORDS = r"(?:summits?|declarations?|communiqu[eé]s?|statements?|resolutions?|meetings?|sessions?)"
# Verbs of saying, after which a year or a span dates what was said ("said in 2024", "said since 2021").
_SAID = r"(?:say|said|says|state|stated|declare|declared|agree|agreed|adopt|adopted)"
_DATING = (
    # after the year, with a word or two names between: "the 2022 summit", "the 2022 NATO Madrid summit"
    re.compile(rf"^\s*(?:(?-i:[A-Z0-9][\w'’-]*)\s+(?:(?-i:[A-Z0-9][\w'’-]*)\s+)?|\w+\s+)?{_TEXT_WORDS}\b", re.IGNORECASE),
    re.compile(r"^\s*(?:in|during)\s+$", re.IGNORECASE),  # a question that opens with it: "In 2021, what did …"
    re.compile(rf"\b{_TEXT_WORDS}\s+(?:of|from|in)\s+$", re.IGNORECASE),  # before the year
    re.compile(rf"\b{_SAID}\b[^.?!]{{0,40}}\b(?:in|at)\s+$", re.IGNORECASE),
)
# The latest texts of an issuer or of the declarations named: "the latest G7 summit", "NATO's most
# recent communiqué", "the last ASEAN statement", "the latest from the G7", "What did the G7 most
# recently say"; not "the G7 on the latest AI models" nor "last year" (a year before today's).
_LATEST = re.compile(rf"\b(?:(?P<which>latest|most\s+recent|newest|last)\s+(?:[\w.’'-]+\s+){{0,2}}?{_TEXT_WORDS}\b|"
                     r"(?P<latest_from>latest|most\s+recent)\s+(?:from|by|of)\b|(?P<recently>most\s+recently)\b)",
                     re.IGNORECASE)
# Before a place, words for who met there: "the G20 in Bali", "G7 leaders in Apulia", "met in";
# and "mentioned in Bali" beside the verbs of _DATING.
_MET_AT = re.compile(
    r"(?:\b(?i:leaders|ministers|met|meet|meeting|gathered|mentioned|mention|promised|pledged|committed)|\bG\d+|"
    r"\b[A-Z]{3,})\s+(?i:in|at)\s+$"
)
# A place where more declarations than this were adopted is a seat ("New York": the General
# Assembly's 329 resolutions), not a meeting a question can name.
PLACE_AT_MOST = 10


def implied_filters(question: str, declarations: Sequence[Declaration],
                    people: Callable[[], Collection[str]] | None = None,
                    aliases: Callable[[], Mapping[str, Sequence[str]]] | None = None) -> Filters | None:
    """The filters a question implies by naming an issuer, a year, a declaration (by its
    title's initials, or a resolution by its number as the text asked of), the place of a
    meeting the library holds, or, given ``people`` (the case-folded words of the people and
    countries the library's texts name, asked for only when a question names someone as who
    spoke), who spoke; or None. ``aliases`` gives the long names the library's texts define
    for its issuers (:func:`issuer_aliases`: "Group of Seven" for "G7")."""
    # A long name is two capitalised words or more: most questions hold none, and never read the texts for them.
    long_names = aliases() if aliases is not None and _CAPITALISED_RUN.search(question) else {}
    issuer = _named_issuers(question, declarations, long_names)
    pool = by_issuer(declarations, issuer) if issuer else declarations
    named = _named_by_initials(question, declarations)
    if named:  # initials of a declaration of another issuer than the one named do not narrow
        held = {d.doc_id for d in pool}
        named = tuple(doc_id for doc_id in named if doc_id in held)
    if not named:
        named = _named_by_symbol(question, pool)
    if not named:  # a title or a place keeps only what it removes: "NATO ... in Chicago" stays "issuer NATO"
        named = next((kept for by_name in (_named_by_title, _named_by_place)
                      if (kept := by_name(question, pool)) and len(kept) < len(pool)), ())
    speakers: tuple[str, ...] = ()
    if not named and not issuer and people is not None:
        speakers, named = _named_speakers(question, pool, people)
    if named:
        pool = [d for d in pool if d.doc_id in named]
    span = _year_span(question)
    asked = [] if span else _years(question)  # most questions name no year: the library's years are not read
    latest = not asked and not span and bool(issuer or named) and bool(_LATEST.search(question))
    dates = {(d.year, d.month) for d in pool if d.year is not None} if asked or span or latest else set()
    years = {year for year, _ in dates}
    month_from = month_to = None
    picked = next(((y, m) for y, m, dated in asked if y in years and (issuer or named or dated)), None)
    year_from = year_to = None if picked is None else picked[0]
    if picked is not None and picked in dates:  # a month narrows where a declaration kept is of it
        month_from = month_to = picked[1]
    # A span narrows where it keeps some of the dates and leaves out others: one that leaves out
    # nothing says nothing ("APEC's plan for food security up to 2030" is the plan's span).
    held = [span.holds(year, month) for year, month in dates] if span else []
    if span and (issuer or named or span.dated) and any(held) and not all(held):
        year_from, month_from, year_to, month_to = span.first, span.first_month, span.last, span.last_month
    if latest and len(years) > 1:  # the latest year the issuer (or the declarations named) spoke in
        year_from = year_to = max(years)
    if not issuer and year_from is None and year_to is None and not named:
        return None
    return Filters(doc_ids=named, issuer=tuple(sorted(issuer)), year_from=year_from, year_to=year_to, speakers=speakers,
                   month_from=month_from, month_to=month_to)


@dataclass(frozen=True)
class _YearSpan:
    """Dates a question bounds ("between 2021 and 2022", "since March 2023", "before 2020"): the
    first and last year (None: open) and month (None: the whole year), and whether the words
    around the span date a text (as for one year)."""

    first: int | None
    last: int | None
    dated: bool
    first_month: int | None = None
    last_month: int | None = None

    def holds(self, year: int, month: int | None = None) -> bool:
        """True if a declaration of this year (and month, when known) is inside the span."""
        return ((self.first is None or (year, month or 12) >= (self.first, self.first_month or 1))
                and (self.last is None or (year, month or 1) <= (self.last, self.last_month or 12)))


# Two years bounding a span, each perhaps after a month: "between 2021 and 2022", "from March 2021
# to June 2022", "2021-2022", "2021 to 2022".
_SPAN = re.compile(rf"\b(?:between\s+(?:{_MONTH_DAY})?{_Y}\s+and\s+(?:{_MONTH_DAY})?{_Y}|"
                   rf"from\s+(?:{_MONTH_DAY})?{_Y}\s+(?:to|until|till|through)\s+(?:{_MONTH_DAY})?{_Y}|"
                   rf"(?:{_MONTH_DAY})?{_Y}\s*(?:-|–|—|to)\s*(?:{_MONTH_DAY})?{_Y})(?!\d)", re.IGNORECASE)
# One date bounding a span on one side, and the first or last (year, month) it leaves in; a month
# may stand before the year ("since March 2022", "after June 2021": from July).
_OPEN_SPAN = (
    # Not "from 2022" alone: "the declarations from 2022" are that year's (one year, _DATING).
    (re.compile(rf"\b(?:since|as of)\s+(?:{_MONTH_DAY})?{_Y}(?!\d)|(?<!\d){_Y}\s+(?:onwards?|and later|or later)\b",
                re.IGNORECASE),
     lambda year, month: ((year, month), (None, None))),
    (re.compile(rf"\bafter\s+(?:{_MONTH_DAY})?{_Y}(?!\d)", re.IGNORECASE),
     lambda year, month: ((year + 1, None) if month is None else _next_month(year, month), (None, None))),
    (re.compile(rf"\bbefore\s+(?:{_MONTH_DAY})?{_Y}(?!\d)", re.IGNORECASE),
     lambda year, month: ((None, None), (year - 1, None) if month is None else _previous_month(year, month))),
    (re.compile(rf"\b(?:until|till|through|up to)\s+(?:{_MONTH_DAY})?{_Y}(?!\d)|(?<!\d){_Y}\s+(?:and|or) earlier\b",
                re.IGNORECASE),
     lambda year, month: ((None, None), (year, month))),
)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _month_before(question: str, start: int, end: int) -> int | None:
    """The month named right before a year at ``end`` (and after ``start``), or None."""
    found = _MONTH_BEFORE.search(question, max(start, end - _MONTH_REACH), end)
    return None if found is None else _month_number(found.group("month"))


def _month_number(name: str) -> int:
    """1-12 for a month's name as written ("Sept.", "march")."""
    return _MONTHS[name.rstrip(".").casefold()]


# Words before a span that make it a text's dates: a verb of saying or a word for a text in the
# same clause ("statements since 2022", "What has the G7 said since 2021 …"), but not once the
# topic has begun ("say about Afghanistan after 2014": the years may be the topic's).
_SAID_BEFORE = re.compile(rf"\b(?:{_SAID}|{_TEXT_WORDS})\b"
                          r"(?:(?!\b(?:about|on|regarding|concerning)\b)[^.?!,;]){0,40}$", re.IGNORECASE)


def _year_span(question: str) -> _YearSpan | None:
    """The span of years the question bounds, or None. A span dates the texts searched where it
    opens the question ("Since 2023, what did …"), follows a verb of saying or a word for a text, or
    precedes one; otherwise (like a year) only beside a filter the question names: "What did
    NATO say about Afghanistan after 2014?" may be asking about the years after 2014."""
    months = _MONTH_SPAN.search(question)
    found = months or _SPAN.search(question)
    if months:  # "between January and March 2022": both months of the one year
        first = last = int(months.group("year"))
        first_month = _month_number(months.group("first") or months.group("first_"))
        last_month = _month_number(months.group("last"))
    elif found:
        points = sorted((int(found.group(g)), _month_before(question, found.start(), found.start(g)))
                        for g in range(1, (found.lastindex or 0) + 1) if found.group(g) is not None)
        (first, first_month), (last, last_month) = points[0], points[-1]
    else:
        for pattern, bounds in _OPEN_SPAN:
            found = pattern.search(question)
            if found:
                group = next(g for g in range(1, (found.lastindex or 0) + 1) if found.group(g) is not None)
                (first, first_month), (last, last_month) = bounds(
                    int(found.group(group)), _month_before(question, found.start(), found.start(group)))
                break
        else:
            return None
    if first is not None and last is not None and (first, first_month or 1) > (last, last_month or 12):
        return None  # "between March and January 2022": no date is inside
    before, after = question[: found.start()], question[found.end():]
    dated = not before.strip() or bool(_SAID_BEFORE.search(before)) or _names_a_text(before, after)
    return _YearSpan(first, last, dated, first_month, last_month)


# Who spoke, as the subject of a verb of saying in a question: "What did Biden and Kishida agree
# on …", "Did President Yoon and Prime Minister Kishida discuss …". Not "Will China sign …": who
# will act is a topic, as is a text ("What did the Declaration of Independence say …").
SPOKE = _SPOKE = (r"(?:say|said|agree|agreed|pledge|pledged|promise|promised|commit|committed|announce|announced|"
                  r"discuss|discussed|declare|declared|state|stated|welcome|welcomed|reaffirm|reaffirmed|affirm|"
                  r"affirmed|express|expressed|talk|talked)")


def subject_before(verbs: str) -> re.Pattern[str]:
    """A question's subject (group "subject") before one of ``verbs`` (a pattern): "What did <the
    G7> say …", "Did <President Yoon and Prime Minister Kishida> discuss …"."""
    return re.compile(rf"^\W*(?:(?:what|how|when|where|why|which|who|whom)\b[^?]*?\s)?(?:did|do|does|have|has|had)"
                      rf"\s+(?P<subject>[^?,;:]+?)\s+{verbs}\b", re.IGNORECASE)


_SUBJECT = subject_before(_SPOKE)
_A_TEXT = re.compile(rf"\b{_TEXT_WORDS}\b|\b(?:charter|treaty|convention|protocol|agenda)\b", re.IGNORECASE)
# A name: a capitalised word with a lower-case letter ("Kishida", "Al-Sisi"); not an acronym
# such as "NATO" or "G7", which name issuers, nor a title or form of address.
_NAME = re.compile(r"(?<![\w-])[A-Z][\w-]*[a-z][\w-]*")
_TITLES = frozenset("President Vice Prime Minister Ministers Chancellor Premier King Queen Emperor Crown Prince Princess "
                    "Sultan Sheikh Emir Amir Secretary General Foreign Federal Leader Leaders State States Government "
                    "Governments Head Heads His Her Majesty Highness Excellency Mr Mrs Ms Dr The".split())
#: The paragraphs of a declaration, after its title, that name who speaks in it: a joint
#: statement opens with "Prime Minister of Japan KISHIDA Fumio welcomed Joseph R. Biden, Jr …".
OPENING = 3


def _named_speakers(question: str, declarations: Sequence[Declaration],
                    people: Callable[[], Collection[str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names the question gives as who spoke (the subject of a verb of saying, :data:`_SUBJECT`,
    each a person or country the library names: ``people``) and the doc_ids of the declarations
    whose title or opening (:data:`OPENING` paragraphs) holds every one of them, when that is some
    of the declarations but not all; else ((), ()). "The Member States" or "the Commission" name
    no one ("the 32 declarations where Member speaks" was how it read before people were asked).

    A name the question asks about ("What did the G7 say about Putin?") is no speaker, nor an
    issuer's or a place's ("the ASEAN-China leaders", "the Bali leaders": other narrowing reads
    those), and one no declaration opens with narrows nothing.
    """
    match = _SUBJECT.match(question)
    if match is None or _A_TEXT.search(match.group("subject")):
        return (), ()
    bodies = {word.casefold() for name in [*issuers(declarations), *{d.place for d in declarations if d.place}]
              for word in (name, *re.split(r"[-,\s/]+", name)) if word}  # "the Bali leaders": a place
    subject = match.group("subject")
    found = [m for m in _NAME.finditer(subject) if m.group() not in _TITLES
             and not {m.group().casefold(), *m.group().casefold().split("-")} & bodies]
    names = tuple(dict.fromkeys(m.group() for m in found))
    if not names:
        return (), ()
    known = people()
    if not all(name.casefold() in known for name in names):
        return (), ()
    wanted = [re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE) for name in names]
    openings = ((d.doc_id, "\n".join([d.title, *(p.text for p in d.paragraphs[:OPENING])])) for d in declarations)
    kept = tuple(doc_id for doc_id, opening in openings if all(w.search(opening) for w in wanted))
    return (_people_named(subject, found), kept) if kept and len(kept) < len(declarations) else ((), ())


def _people_named(subject: str, found: list[re.Match[str]]) -> tuple[str, ...]:
    """The names found, those written next to each other joined as one person's: "Kamala Harris"
    is one speaker, "Biden and Kishida" two. (Each word is matched on its own: an opening may
    write "KISHIDA Fumio" or "Joseph R. Biden".)"""
    people: list[list[str]] = []
    for previous, name in zip([None, *found], found):
        if previous is not None and not subject[previous.end() : name.start()].strip():
            people[-1].append(name.group())
        else:
            people.append([name.group()])
    return tuple(dict.fromkeys(" ".join(words) for words in people))


@lru_cache(maxsize=8192)  # asked once per declaration for each question written with such a word
def title_initials(title: str) -> str:
    """The initials of a title's capitalised words ("UNDRIP" for the "United Nations Declaration
    on the Rights of Indigenous Peoples"); a hyphenated word gives its first letter."""
    return "".join(word[0] for word in re.findall(r"[^\W\d_][\w'’.-]*", title) if word[0].isupper())


def _named_by_initials(question: str, declarations: Sequence[Declaration]) -> tuple[str, ...]:
    """The doc_ids of the declarations whose title's initials (four letters or more, so not an
    ordinary acronym such as "CSP") the question writes as a word in capitals."""
    asked = set(re.findall(r"(?<![\w-])([A-Z]{4,})(?![\w]|-\w)", question))
    if not asked:  # most questions: nothing more to read
        return ()
    asked -= {word for issuer in issuers(declarations) for word in re.split(r"[-\s/]+", issuer)}  # "NATO" is an issuer
    if not asked:
        return ()
    return tuple(d.doc_id for d in declarations if d.title and title_initials(d.title) in asked)


# A resolution named by its symbol ("A/RES/78/3") or its number ("resolution 78/3", "resolution
# 2720 (2023)").
_RESOLUTION = re.compile(r"(?<![\w/])(?:(?P<symbol>[A-Z]+(?:/[A-Z]+)*/RES/\d[\w/]*)"
                         r"|[Rr]esolutions?\s+(?P<number>\d+/\d+|\d{3,4}))(?:\s*\(\d{4}\))?(?![\w/])")
# The words around it that make it the text a question reads, not one it asks about the citing
# of: "What does resolution 78/3 say …", "In resolution 78/3, …", "According to A/RES/78/3 …";
# not "Which declarations recall resolution 61/178?" nor the number alone.
_READ_AFTER = re.compile(r"^\W{0,2}\s*(?:say|says|said|state|states|stated|decide|decides|decided|call|calls|called|urge|urges|"
                         r"urged|request|requests|requested|ask|asks|asked|mention|mentions|mentioned|commit|commits|"
                         r"committed|provide|provides|establish|establishes|established|recogni[sz]e|recogni[sz]es)\b",
                         re.IGNORECASE)
_READ_BEFORE = re.compile(r"\b(?:in|according to|under|of)\s+(?:the\s+)?(?:UN\s+|UNGA\s+|General Assembly\s+|"
                          r"Security Council\s+)?$", re.IGNORECASE)


def _named_by_symbol(question: str, declarations: Sequence[Declaration]) -> tuple[str, ...]:
    """The doc_ids of the resolutions the question names by symbol or number (_RESOLUTION) as the
    text it asks of (_READ_AFTER, _READ_BEFORE): "What does resolution 78/3 say about health?"
    reads A/RES/78/3, and "What did the General Assembly decide in A/RES/78/3?" too."""
    asked = {symbol.upper() for symbol in _asked_symbols(question)}
    if not asked:  # most questions: nothing more to read
        return ()
    return tuple(d.doc_id for d in declarations if d.symbol and asked & _symbol_names(d.symbol))


def unheld_symbols(question: str, declarations: Sequence[Declaration]) -> list[str]:
    """The resolutions the question reads by symbol or number (as :func:`_named_by_symbol` does)
    that no declaration is: "What does resolution 78/999 say about peace?" asks of a text the
    library lacks, and is not answered from another resolution that cites one."""
    asked = _asked_symbols(question)
    if not asked:
        return []
    held = {name for d in declarations if d.symbol for name in _symbol_names(d.symbol)}
    return [symbol for symbol in asked if symbol.upper() not in held]


def _asked_symbols(question: str) -> list[str]:
    """The symbols or numbers of the resolutions the question reads (_RESOLUTION, _READ_AFTER,
    _READ_BEFORE), as it writes them, each once."""
    asked: dict[str, None] = {}
    for match in _RESOLUTION.finditer(question):
        before, after = question[: match.start()], question[match.end():]
        if _READ_AFTER.match(after) or _READ_BEFORE.search(before):
            asked[match["symbol"] or match["number"]] = None
    return list(asked)


def _symbol_names(symbol: str) -> set[str]:
    """How a question may write a resolution's symbol: whole, and its number after "/RES/"
    ("A/RES/78/3": "78/3"; "S/RES/2720 (2023)": "2720")."""
    whole = re.sub(r"\s*\(\d{4}\)$", "", symbol.strip()).upper()
    return {whole, whole.split("/RES/", 1)[1]} if "/RES/" in whole else {whole}


# Nouns naming a kind of text, one of which a title named in a question holds ("Golden Gate Declaration").
_TEXT_NOUNS = frozenset("declaration agenda statement communique communiqué charter compact programme program plan "
                        "framework pact principles vision accord agreement strategy".split())
# Words of a title that name no text in particular: a phrase of them alone ("Joint Leaders' Statement") names none.
_GENERIC = _TEXT_NOUNS | frozenset("the of on and for in a an to joint leaders leader political summit meeting high level "
                                   "final special s".split())
# A title that cites another text names that text after a preposition or a verb of carrying it
# out ("Implementation of the Declaration on …", "Follow-up to the Durban Declaration …",
# "Eradicating rural poverty to implement the 2030 Agenda …"): not as its own name.
_CITING = frozenset("of to on for in under with towards toward through beyond by implement implementing "
                    "implements achieve achieving realize realizing realise realising advance advancing".split())
_WORD = re.compile(r"[^\W_]+")


def _named_by_title(question: str, declarations: Sequence[Declaration]) -> tuple[str, ...]:
    """The doc_ids of the declarations the question names by their title, or the part of it that
    names the text ("the Golden Gate Declaration" of the "2023 APEC Leaders' Golden Gate
    Declaration", "the Antigua and Barbuda Agenda"), as the text it asks of (_READ_AFTER,
    _READ_BEFORE), in any case and punctuation.

    The words matched run together in the question and the title, hold a noun for a text
    (:data:`_TEXT_NOUNS`) and a word of their own (:data:`_GENERIC`), and do not follow a
    preposition in the title ("… anniversary of the Universal Declaration of Human Rights" cites
    it). The longest such run wins; it narrows when it keeps at most PLACE_AT_MOST declarations.
    """
    words = _words_at(question)
    asked = {word for word, _, _ in words}
    nouns, own = asked & _TEXT_NOUNS, asked - _GENERIC
    if not nouns or not own:  # most questions: nothing more to read
        return ()
    best, named = 0, []
    for d in declarations:
        held = set(_title_words(d.title or ""))
        if not (nouns & held and own & held):  # a run naming it holds both: most titles are passed over
            continue
        length = len(_title_run(question, words, d.title))
        if length > best:
            best, named = length, [d.doc_id]
        elif length and length == best:
            named.append(d.doc_id)
    return tuple(named) if named and len(named) <= PLACE_AT_MOST else ()


@lru_cache(maxsize=8192)  # a title's words, read once for every question holding a noun for a text
def _title_words(title: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD.findall(title))


def _words_at(text: str) -> list[tuple[str, int, int]]:
    """Each word of ``text``, case-folded, with where it starts and ends."""
    return [(m.group().casefold(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _title_run(question: str, words: list[tuple[str, int, int]], title: str | None) -> list[str]:
    """The longest run of the question's words (``words``: :func:`_words_at`) that names the
    title's text as :func:`_named_by_title` asks; [] if none."""
    named = _title_words(title or "")
    if not _TEXT_NOUNS.intersection(named):
        return []
    asked = [word for word, _, _ in words]
    best: list[str] = []
    for start in range(len(named)):
        if start and named[start - 1] in _CITING or start > 1 and named[start - 1] == "the" and named[start - 2] in _CITING:
            continue
        for at in range(len(asked)):
            if start and at and named[start - 1] == asked[at - 1]:
                continue  # inside a longer run, which decides ("the Universal Declaration" cited)
            length = 0
            while start + length < len(named) and at + length < len(asked) and named[start + length] == asked[at + length]:
                length += 1
            run = asked[at : at + length]
            if length > len(best) and _TEXT_NOUNS.intersection(run) and not set(run) <= _GENERIC:
                before, after = question[: words[at][1]], question[words[at + length - 1][2]:]
                if _READ_AFTER.match(after) or _READ_BEFORE.search(before):
                    best = run
    return best


def _named_by_place(question: str, declarations: Sequence[Declaration]) -> tuple[str, ...]:
    """The doc_ids of the declarations adopted at a place (its catalog place, or that place's
    first part: "Washington" for "Washington, D.C.") that the question names, in any case, as
    where a text was made or a meeting held (_DATING, _MET_AT); not a seat (PLACE_AT_MOST)."""
    at: dict[str, list[str]] = {}  # a few places for hundreds of declarations
    for d in declarations:
        if d.place:
            at.setdefault(d.place, []).append(d.doc_id)
    lowered = question.casefold()
    places: dict[str, set[str]] = {}
    for place, doc_ids in at.items():
        for name in {place.strip(), place.split(",")[0].strip()}:
            if len(name) >= 3 and name[0].isupper() and name.casefold() in lowered:
                places.setdefault(name, set()).update(doc_ids)
    named: set[str] = set()
    for name, doc_ids in places.items():
        if len(doc_ids) > PLACE_AT_MOST:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", question, re.IGNORECASE):
            before, after = question[: match.start()], question[match.end():]
            if _names_a_text(before, after) or _MET_AT.search(before):
                named |= doc_ids
    return tuple(d.doc_id for d in declarations if d.doc_id in named) if named else ()


def filter_words(filters: Filters, *, asked: str = "",
                 aliases: Callable[[], Mapping[str, Sequence[str]]] | None = None,
                 titles: Mapping[str, str] | None = None) -> frozenset[str]:
    """The index terms (qa.text.tokens) that name what ``filters`` keep: its issuer's name when it
    keeps one issuer, and its year when it keeps one year. Inside the declarations kept they say
    nothing about which paragraph answers, so the ranking's word matching leaves them out (the
    question's vector keeps every word). "Did APEC leaders say anything about fossil fuel
    subsidies in San Francisco?" narrowed to APEC ranked the opening paragraph ("APEC Leaders ...
    San Francisco") above the one on fossil fuel subsidies until "apec" stopped counting.

    A question naming two issuers may be about one of them ("Which UN General Assembly vote on
    Russia did the G20 cite?"), so their names keep counting. Given the question (``asked``) and
    ``aliases`` (:func:`issuer_aliases`), a long name that the question gives for what the kept
    issuers share ("the Group of Seven" for the G7; "the Association of Southeast Asian Nations"
    for "ASEAN" and "ASEAN-U.S.") stops counting too, and so do "latest" or "most recent" where
    they chose the year (:data:`_LATEST`). Given the kept declarations' ``titles`` (doc_id to
    title), the words naming one of them ("the Golden Gate Declaration": :func:`_named_by_title`)
    stop counting too: inside it, its title's paragraph alone holds them. Given the question, the
    years it bounds a span of years by stop counting too ("since 2022").
    """
    words: set[str] = set()
    if len({same_issuer(issuer) for issuer in filters.issuer}) == 1:  # one body or pair, however spelled
        words.update(token for issuer in filters.issuer for token in tokenize(issuer))
    if aliases is not None and filters.issuer and _CAPITALISED_RUN.search(asked):  # a long name the question gave them all
        shared = set.intersection(*({issuer, *short_names(issuer)} for issuer in filters.issuer))
        words.update(token for alias in _defined(aliases(), sorted(shared)) if title_names(asked, alias)
                     for token in tokenize(alias))
    if filters.year_from is not None and filters.year_from == filters.year_to:
        words.update(tokenize(str(filters.year_from)))
        if filters.month_from is not None and filters.month_from == filters.month_to:  # "March", "Mar."
            words.update(tokenize(" ".join(name for name, number in _MONTHS.items() if number == filters.month_from)))
        for latest in _LATEST.finditer(asked):  # "the latest G7 summit": its year, as "the 2024 G7 summit"
            words.update(tokenize(next(word for word in latest.groups() if word)))
    elif (filters.year_from is not None or filters.year_to is not None) and asked:
        # A span's years as written ("since 2022", "after 2021", "between 2021 and 2022") date the
        # texts, as one year does: "2021" had matched a Carbis Bay paragraph's "since 2021".
        low = -1 if filters.year_from is None else filters.year_from - 1
        high = 10_000 if filters.year_to is None else filters.year_to + 1
        words.update(token for match in _YEAR.finditer(asked) if low <= int(match.group()) <= high
                     for token in tokenize(match.group()))
    words.update(tokenize(" ".join(filters.speakers)))  # "Biden", "Kishida": named in most of their paragraphs
    if titles and filters.doc_ids and asked:
        at = _words_at(asked)
        words.update(token for doc_id in filters.doc_ids if doc_id in titles
                     for token in tokenize(" ".join(_title_run(asked, at, titles[doc_id]))))
    return frozenset(words)


#: Index terms (qa.text.tokens) of the words that ask what was said, not about what: "What did
#: NATO say?" has no topic once "NATO" names the filter.
SAYING = frozenset(tokenize("say said tell told mention talk speak spoke write wrote anything"))
#: Index terms of the words for who speaks and what they adopted ("the G7 leaders", "the 2024
#: summit", "NATO's communiqué"). Inside the declarations a filter keeps, every text is theirs,
#: so these words tell no paragraph apart (:func:`unsaid_words`): "What did the G7 leaders say
#: about Haiti?" quoted the paragraph opening "We, the Leaders of the Group of Seven (G7)" as an
#: answer, though no G7 text names Haiti.
SPEAKING = frozenset(tokenize("leaders heads ministers summit communiqué communique declaration statement resolution"))


def unsaid_words(filters: Filters, named: frozenset[str]) -> frozenset[str]:
    """The index terms a search inside ``filters`` leaves out of its word matching and of the
    question's topic: ``named`` (:func:`filter_words`), and under any filter the words for who
    speaks and what they adopted (:data:`SPEAKING`). Outside a filter those may be the topic
    ("Which guest leaders came to Cornwall?")."""
    return named if filters.empty else named | SPEAKING


def topic_of(question: str, words: frozenset[str]) -> str | None:
    """The question without its words that name the filter (:func:`filter_words`): what it asks
    about inside the declarations kept. None when no word named the filter, or nothing is left to
    ask about but what was said ("What did NATO say in 2012?").

    Abstention measures the meaning on it (qa.library.Library.ask): "What did NATO say about
    Haiti?" is close to every NATO paragraph by "NATO" alone (cosine 0.49 to the Chicago
    declaration, above the 0.43 that answers), "What did say about Haiti?" is not (0.20).

    Example:
        >>> topic_of("What did NATO say about Haiti in 2012?", frozenset({"nato", "2012"}))
        'What did say about Haiti in'
    """
    if not words:
        return None
    kept = [word for word in question.split() if not (set(tokenize(word)) or {""}) <= words]
    topic = " ".join(kept)
    return topic if topic != question and set(tokenize(topic)) - SAYING else None


def _named_issuers(question: str, declarations: Sequence[Declaration],
                   aliases: Mapping[str, Sequence[str]] | None = None) -> set[str]:
    """The joint issuers whose parties the question names together (:func:`_names_the_pair`), and
    the issuers whose name, or a distinctive word of it, stands in the rest of the question: a
    party named as one of a pair is not also read as an issuer of its own, nor its word as
    another's short name ("ASEAN and the US" names "ASEAN-U.S.", not "ASEAN" or "ASEAN-China").
    A G-number may be written with a hyphen ("G-7"), a body of three words or more by its
    initials ("UNGA"), and an acronym by the long name the library's texts define for it
    (``aliases``: "the Group of Seven (G7)")."""
    held = issuers(declarations)
    named = {issuer for issuer in held if _names_the_pair(question, issuer)}
    rest = _G_NUMBER.sub(r"\1\2", question)
    for pair in named:
        rest = _pair_pattern(*parties(pair)).sub(" ", rest)
    spelled = spelled_out(rest)
    for issuer in held:
        short = short_names(issuer)
        names = [issuer, *_un_names(issuer), *short, *_initials(issuer), *_defined(aliases, [issuer, *short])]
        if issuer not in named and (any(title_names(rest, name) for name in names) or spelled.intersection(short)):
            named.add(issuer)
    bodies = {same_issuer(issuer) for issuer in named}  # "UNGA" names the "UN General Assembly" too
    return named | {issuer for issuer in held if same_issuer(issuer) in bodies}


def issuer_called(value: str, declarations: Sequence[Declaration],
                  aliases: Callable[[], Mapping[str, Sequence[str]]] | None = None) -> str:
    """The issuer a filter's value names as a question would ("UNGA", "G-7", "the Group of
    Seven", "North Atlantic Treaty Organization"): an issuer the library holds, spelled as it
    does; the value itself when it is one already, or names none or several bodies (the filter
    then says which issuers there are)."""
    held = issuers(declarations)
    if any(same_issuer(value) == same_issuer(issuer) for issuer in held):
        return value
    long_names = aliases() if aliases is not None and _CAPITALISED_RUN.search(value) else {}
    named = _named_issuers(value, declarations, long_names)
    return sorted(named)[0] if named and len({same_issuer(i) for i in named}) == 1 else value


_G_NUMBER = re.compile(r"(?<![\w-])(G)-(\d{1,2})(?![\w-])")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "on", "in"})


def _defined(aliases: Mapping[str, Sequence[str]] | None, names: Sequence[str]) -> list[str]:
    """The long names ``aliases`` gives any of ``names`` (an issuer and its short names: "ASEAN"'s
    "Association of Southeast Asian Nations" names "ASEAN-U.S." as "ASEAN" does)."""
    return [alias for name in dict.fromkeys(names) for alias in (aliases or {}).get(name, ())]


# Capitalised words in a row, small words allowed between them: "North Atlantic Treaty Organization".
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|the|and|for|on|in)\s+)*[A-Z][\w'’-]*)+")


def spelled_out(question: str) -> set[str]:
    """The initials of every run of two or more capitalised words in the question (small words and
    hyphens aside: "Asia-Pacific Economic Cooperation" spells "APEC", "North Atlantic Treaty
    Organization" "NATO"), each run's sub-runs too ("Did North Atlantic …")."""
    spelled = set()
    for run in _CAPITALISED_RUN.finditer(question):
        parts = [[piece[0] for piece in word.split("-") if piece[:1].isupper()]
                 for word in run.group().split() if word not in _SMALL_WORDS]
        for start in range(len(parts)):
            for end in range(start + 2, len(parts) + 1):
                spelled.add("".join(letter for part in parts[start:end] for letter in part))
    return spelled


def _initials(issuer: str) -> list[str]:
    """An issuer of three capitalised words or more by their initials ("United Nations General
    Assembly": "UNGA"), as a question may write it; [] for a shorter name."""
    words = [w for w in re.split(r"[\s-]+", issuer) if w and w not in _SMALL_WORDS]
    if len(words) < 3 or not all(w[0].isupper() and not w[1:].isupper() for w in words):
        return []  # not "UGA" for "UN General Assembly": an acronym inside is not spelled by its initial
    return ["".join(w[0] for w in words)]


# "the Group of Seven (G7)", "Asia-Pacific Economic Cooperation (APEC)": capitalised words (and
# the small words between them) before an acronym in brackets.
_DEFINED = re.compile(r"((?:[A-Z][\w'’-]*)(?:\s+(?:[A-Z][\w'’-]*|of|the|and|for|on|in)){0,7})\s+\(([A-Z][A-Za-z0-9]{1,9})\)")
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty".split())


def issuer_aliases(declarations: Sequence[Declaration]) -> dict[str, tuple[str, ...]]:
    """For each issuer that is an acronym or a G-number standing alone ("G7", "APEC"), the long
    names the declarations' own texts define for it: "We the Leaders of the Group of Seven (G7)"
    gives "Group of Seven", "Asia-Pacific Economic Cooperation (APEC)" itself. A long name is the
    longest run of the words before the brackets that opens with the acronym's first letter and
    whose capitalised words' initials (number words aside) come in the acronym's order; so
    "Leaders of the …" is left out. Over the 424 declarations of ../shared: 0.04-0.06 s."""
    wanted = {issuer for issuer in issuers(declarations) if short_names(issuer) == [issuer]}
    found: dict[str, set[str]] = {}
    for declaration in declarations:
        for paragraph in declaration.paragraphs:
            if "(" not in paragraph.text:
                continue
            for match in _DEFINED.finditer(paragraph.text):
                if match.group(2) in wanted:
                    name = _long_name(match.group(1).split(), match.group(2))
                    if name:
                        found.setdefault(match.group(2), set()).add(name)
    return {issuer: tuple(sorted(names)) for issuer, names in found.items()}


def _long_name(words: list[str], acronym: str) -> str | None:
    letters = [c for c in acronym if c.isalpha()]
    for start in range(len(words) - 1):  # two words at least: one word is a name of its own
        run = words[start:]
        if run[0][:1] != letters[0]:
            continue
        initials = [part[0] for word in run if word[0].isupper() and word.lower() not in _NUMBER_WORDS
                    for part in word.split("-") if part]
        remaining = iter(letters)
        if all(any(c == initial for c in remaining) for initial in initials):
            return " ".join(run)
    return None


# Between the two parties of a pair: "Japan and the US", "US-Mexico", "U.S./EU", "ASEAN & China".
_JOINED = r"\s*(?:-|–|/|&|\band\b)\s*(?:(?i:the)\s+)?"


@lru_cache(maxsize=4096)
def _pair_pattern(first: str, second: str) -> re.Pattern[str]:
    def names(party: str) -> str:
        spelled = PARTY_NAMES.get(party_key(party), (party,))
        return "|".join((f"(?-i:{re.escape(n)})" if keeps_case(n) else re.escape(n))
                        for n in sorted(spelled, key=len, reverse=True))

    a, b = names(first), names(second)
    return re.compile(rf"(?<![\w-])(?:(?:{a}){_JOINED}(?:{b})|(?:{b}){_JOINED}(?:{a}))(?![\w]|-\w)", re.IGNORECASE)


def _names_the_pair(question: str, issuer: str) -> bool:
    """True for a joint issuer of two parties joined by a hyphen ("U.S.-Japan", "ASEAN-China")
    whose parties the question names together, in either order and by any of their names
    (qa.search.filters.PARTY_NAMES): "What did Japan and the US say about Taiwan?" names
    "U.S.-Japan" and "Japan-U.S." alike. Parties named apart ("the US … Japan's economy") name
    no pair."""
    pair = parties(issuer)
    return bool(pair) and _pair_pattern(*pair).search(question) is not None


def _un_names(issuer: str) -> list[str]:
    """How a UN body is also called: "United Nations General Assembly" is the "UN General
    Assembly" and "the General Assembly" (a body of two words or more keeps its short name)."""
    match = re.fullmatch(r"(?:United Nations|UN|U\.N\.)\s+(\S+(?:\s+\S+)+)", issuer.strip())
    if not match:
        return []
    body = match.group(1)
    return [f"United Nations {body}", f"UN {body}", body]


# Words right before a year that surely make it a text's, not the topic's: a verb of saying
# right before ("say in 2024"), or a word for a text or meeting with no topic begun between
# ("the summit in New Delhi in 2023"; not "say about the mission ending in 2014").
_SAID_IN = re.compile(rf"\b{_SPOKE}\s+(?:in|at|of|during)\s+$", re.IGNORECASE)
_TEXT_IN = re.compile(rf"\b{_TEXT_WORDS}\b(?:(?!\b(?:about|on|regarding|concerning)\b)[^.?!,;]){{0,40}}?\s"
                      r"(?:in|at|of)\s+$", re.IGNORECASE)


# Words that begin a question's topic: a text dated after them may be the one the topic cites
# ("What did the G7 say about the 2023 G20 summit?"), not the one asked of.
_TOPIC_BEGUN = re.compile(r"\b(?:about|on|regarding|concerning)\b", re.IGNORECASE)
# A year that ends the question ("What did NATO say about Russia in 2023?") dates what was said,
# as a year written before the topic does ("… say in 2023 about Russia"), unless the word before
# "in" is an event's ("the mission ending in 2014", "the summit held in 2023"), whose year it is
# (:func:`_ends_dated`).
_LAST = re.compile(r"^\W*$")
# The participles that date an event ("ending in 2014"); not any word in -ing ("defence spending
# in 2023" is a topic said about in 2023).
_EVENT_IN = re.compile(r"\b(?:end|ended|ending|ends|start|started|starting|starts|begin|began|begun|beginning|held|"
                       r"hosted|signed|adopted|scheduled|planned|launched|expire|expired|expiring|due|elected|"
                       r"concluded|concluding|established|founded|created|introduced|passed|enacted|opened|opening|"
                       r"closed|closing|completed|finished|finishing|happened|happening|occurred|occurring|place|set|"
                       r"expected|reached|convened|organi[sz]ed|took|taken|made|built|won|lost|fought|born|died|"
                       r"killed|achieved|met|meeting|summit|elections?|vote|votes|voted)\s+(?:in|during)\s+$",
                       re.IGNORECASE)


def unheld_years(question: str, kept: Callable[[], Sequence[Declaration]], *, said: bool = False) -> list[int]:
    """The years the question surely dates a text by ("the 2023 Vilnius summit", "say in 2023",
    "In 2023, what did …", and a year up to this one ending it: "say about Russia in 2023?") of
    which none of the declarations ``kept`` is: the text asked of is not in the library. ``kept``
    is read only when the question dates a text by a year.

    ``said``: only a year dating what was said ("say in 2019 …", "… say about Ukraine in 2019?"),
    for a question that names no issuer: without one, a text it names is likelier its topic ("Why
    was the vote on the declaration put off in 2006?", "the UN-NATO declaration of 2008")."""
    this_year = date.today().year
    dated = {year for year, _, before, after in _year_contexts(question)
             if (_SAID_IN.search(before) if said else _names_a_text(before, after, surely=True))
             or year <= this_year and _ends_dated(before, after)}
    if not dated:
        return []
    held = {d.year for d in kept()}
    return sorted(year for year in dated if year not in held)


def _ends_dated(before: str, after: str) -> bool:
    """True for a year ending the question after a verb of saying and "in" (_LAST, _DATING's last
    pattern), not after an event's word (_EVENT_IN): "What did NATO say about Russia in 2023?".
    A year to come ("What did the G7 say about coal in 2035?") is a target's, never a text's:
    :func:`unheld_years` asks this of this year's and earlier ones."""
    return bool(_LAST.match(after) and _DATING[3].search(before) and not _EVENT_IN.search(before))


def _years(question: str) -> list[tuple[int, int | None, bool]]:
    """Each year in the question, the month named before it (or None), and whether the words
    around them date a text ("statements of January 2022": the month stands between)."""
    return [(year, month, _names_a_text(before, after)) for year, month, before, after in _year_contexts(question)]


def _year_contexts(question: str) -> list[tuple[int, int | None, str, str]]:
    """Each year in the question, the month named before it (or None), and the words before the
    two (the month and its day left out) and after them."""
    found = []
    for match in _YEAR.finditer(question):  # a month and its day stand within _MONTH_REACH before the year
        month = _MONTH_BEFORE.search(question, max(0, match.start() - _MONTH_REACH), match.start())
        before, after = question[: match.start() if month is None else month.start()], question[match.end():]
        found.append((int(match.group()), None if month is None else _month_number(month.group("month")), before, after))
    return found


def _names_a_text(before: str, after: str, *, surely: bool = False) -> bool:
    """True if the words around a year or a place (``before`` and ``after`` it) make it a text's
    or a meeting's (_DATING): "the 2022 summit", "the declaration of 2024", "said ... in Bali".
    ``surely`` reads only what cannot be the topic's (:func:`unheld_years`): not "said about the
    mission ending in 2014" (_SAID_IN and _TEXT_IN instead of _DATING's last pattern), nor a text dated
    once the topic has begun ("about the 2023 G20 summit")."""
    if surely:
        return bool(_DATING[0].match(after) and not _TOPIC_BEGUN.search(before)
                    or any(pattern.search(before) for pattern in (*_DATING[1:3], _SAID_IN, _TEXT_IN)))
    return bool(_DATING[0].match(after) or any(pattern.search(before) for pattern in _DATING[1:]))

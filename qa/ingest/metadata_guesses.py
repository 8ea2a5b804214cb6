"""Guesses for a declaration's issuer, place and year when no catalog and no header states them.

A folder of statements dropped in without a catalog still names who speaks, where and when, in
the words every such text opens with: the title ("G20 Bali Leaders' Declaration", "Joint
Statement by the G7 …", "Chairman's Statement of the 27th ASEAN-China Summit"), the opening
formula ("We, the Economic Leaders of APEC, met in San Francisco, California, on …"), and the
file's own name ("g7-2024-apulia"). Narrowing needs them: without a catalog, "What did the G7
say about AI in 2024?" found no issuer G7 and no G7 text dated 2024 in ../shared/declarations,
and answered from an ASEAN statement. Of eval/narrowing.jsonl's 12 questions, 2 narrowed as
written without a catalog, 11 with these guesses, 12 with the catalog
(benchmarks/metadata_guesses.py).

The rules are deliberately narrow: an issuer is an acronym ("G7", "APEC", "ASEAN-U.S.") or a name
followed by "Leaders" ("Quad Leaders' Joint Statement") where a title puts the speaker (first,
after "by" or "from", or as "of the … Summit"), or what the opening's "We, the leaders of …"
names in a few capitalised words. A text about a body ("Joint Statement on AUKUS") does not make
it the speaker. Each guess is recorded as ``guessed`` in ``metadata_origin``, and a catalog or a
header always wins.

Example:
    >>> guess_issuer("Joint Statement by the G7 Announcing Further Economic Costs on Russia", "")
    'G7'
    >>> guess_place("We, the leaders of the Group of Seven, met in Cornwall on 11-13 June 2021.")
    'Cornwall'
    >>> guess_year("G7 Apulia Leaders' Communiqué", "g7-2024-apulia")
    '2024'
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

# An acronym: "G7", "G20", "E3", "EU27", "U.S.", "ASEAN", "EU", "APEC" (two capitals at least, or
# capitals and a number); never a Roman numeral ("XV BRICS Summit": the fifteenth).
_ACRONYM = r"(?:(?![IVXLCDM]+(?![\w.]))(?:[A-Z]{1,4}\d{1,2}(?!\w)|[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Z0-9&]*[A-Z](?![a-z])))"
# The speakers of a joint text, joined by hyphens: "ASEAN-China", "U.S.-ROK", "Japan-U.S.", "U.S.- Japan".
_PART = rf"(?:{_ACRONYM}|[A-Z][a-z]+)"
_SPEAKERS = rf"(?P<who>{_PART}(?:\s?[-–]\s?{_PART})*)(?![\w-])"
_MEETING = r"(?:Summit|Leaders|Meeting|Ministers|Foreign|Finance|Heads|Special|Council)"
_TITLE_RULES = (
    # First in the title, after an optional year or ordinal: "G20 Bali Leaders' Declaration", "2023 APEC
    # Leaders' …", "ASEAN-U.S. Special Summit 2022", "Quad Leaders' Joint Statement", "The G7
    # Leaders' Statement" (after "The", only right before such a word: "The MPP Program and
    # Border Security Joint Statement by …" is about a programme).
    re.compile(rf"^(?P<the>The\s+)?(?:\d{{4}}\s+|\d+(?:st|nd|rd|th)\s+|[IVXLCDM]+\s+)?{_SPEAKERS}\s+\S"),
    # After "by" or "from": "Joint Statement by the G7 Announcing …", "… from Quad Leaders".
    re.compile(rf"\b(?:by|from)\s+(?:the\s+)?{_SPEAKERS}"),
    # "of the 27th ASEAN-China Summit", "of the G20 Leaders", "of the G7 Foreign Ministers".
    re.compile(rf"\bof\s+the\s+(?:\d+(?:st|nd|rd|th)\s+)?{_SPEAKERS}\s+{_MEETING}\b"),
)
# A G-number anywhere in a title is its group's: "Carbis Bay G7 Summit Communiqué", "Fact Sheet: G7 Summit".
_G_NUMBER = re.compile(r"(?<![\w-])(?<!on the )(?<!on )G\d{1,2}(?![\w-])")
_TEXT_WORDS = r"(?i:leaders|summit|declaration|communiqu[eé]|statement|joint|ministers|chair|meeting)"
_TEXT_FOLLOWS = re.compile(rf"(?:\s+[^\s:,;]+){{0,5}}?\s+{_TEXT_WORDS}")
_TEXT_NEXT = re.compile(rf"\s+(?:[^\s:,;]+\s+)?{_TEXT_WORDS}")
_LEADERS_AFTER = re.compile(r"\s+(?:Joint\s+)?(?:Economic\s+)?Leaders\b")
# "We, the Leaders of the Group of Seven (G7), gathered …", "We, the Economic Leaders of APEC, met …",
# "We, the Heads of State and Government of the member countries of the North Atlantic Alliance".
_OPENING = re.compile(
    r"\bWe,?\s+the\s+(?:[A-Za-z]+\s+){0,3}?(?i:leaders|heads of state and government|heads of state|ministers|"
    r"members)\s+of\s+(?:the\s+)?(?i:member (?:states|countries)\s+of\s+(?:the\s+)?)?(?P<who>[A-Z][\w'’-]*"
    r"(?:\.(?=[A-Z]))?(?:\s+(?:of\s+)?[A-Z][\w'’-]*){0,4})(?:\s+\((?P<short>[^()]{1,12})\))?"
)
# "… Ministers of Foreign Affairs of the G7": the body is after the last "of".
_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?(?P<who>[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*){0,4})"
                     r"(?:\s+\((?P<short>[^()]{1,12})\))?")
# What a minister is minister of: a portfolio, not the body the ministers speak for.
_MINISTERS_OF = re.compile(r"(?i)ministers\s+of\s+(?:the\s+)?$")
_PORTFOLIO = re.compile(
    r"(?i:environment|foreign|finance|health|agriculture|trade|education|energy|defen[cs]e|justice|interior|"
    r"labou?r|economy|economic affairs|transport|culture|tourism|science|digital|development|climate|water|"
    r"home affairs|social affairs|industry|fisheries|employment)\b"
)
# After the speaker, another name: a list of states ("…, Barbados", "… and the Republic of …").
_LIST_GOES_ON = re.compile(r"\s*(?:,|\s+and\b)\s*(?:and\s+)?(?:the\s+)?[A-Z]")
# Topics a title may open with, not speakers: "AI Safety Summit Declaration", "HIV/AIDS …".
_NOT_SPEAKERS = {"AI", "COVID", "HIV", "AIDS", "SDG", "SDGS", "WMD", "CBRN", "LGBTQI"}
# Too broad to stand for one speaker alone: a "Message from UN Secretary-General …", a
# "Statement by EU High Representative …" is not what "the UN" or "the EU" said.
_TOO_BROAD = {"UN", "U.N.", "EU", "E.U.", "US", "U.S.", "UK", "U.K."}
# Words that stand before "Leaders" without naming anyone: "Joint Leaders Statement on AUKUS".
_NOT_NAMES = {"Joint", "Special", "Economic", "World", "Global", "Foreign", "Regional", "Our", "All", "Other", "We"}
#: A longer guess is a phrase, not a name; a longer title is not a title (read no further).
_LONGEST = 48
_TITLE_AT_MOST = 400
# "met in Cornwall on …", "gathered in Los Angeles on the margins …", "met in San Francisco,
# California, on …", "met in Rio de Janeiro": capitalised words (and the particles of names),
# at most one more part after a comma. Past tense only: "when they meet in Europe at the end of
# October" is a meeting to come.
_WORD = r"[A-Z][\w'’-]*(?:\.(?:[A-Z]\.)*)?"
_PARTICLE = r"(?:de|da|do|dos|das|del|della|di|es|el|al|la|le|von|van|den|der)"
_NAME = rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD})*"
_MET_IN = re.compile(rf"\b(?:met|gathered|assembled|convened)\s+(?:here\s+)?in\s+(?P<place>{_NAME}(?:,\s+{_NAME})?)")
_NOT_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "person", "this", "our", "covid", "covid-19",
}
_ABBREVIATIONS = {"st.", "ste.", "mt.", "ft.", "pt."}  # "St. Petersburg": the stop is not the sentence's
# A year: not a resolution's number ("Resolution 1701 (2006)", "sc-res-2020-2011").
_YEAR = re.compile(r"(?<!\d)(?<!resolution )(?<!res[-_ ])(?<!no\. )(1[6-9]\d\d|20\d\d)(?!\d)", re.IGNORECASE)


def guess_issuer(title: str, opening: str) -> str | None:
    """Who speaks, from the title where it puts the speaker, else the opening's "We, the
    leaders of …"; None when neither says it in a few words."""
    title = title[:_TITLE_AT_MOST]
    if title and title != title.upper():  # a title in capitals hides its acronyms: only "G7" stands out
        for rule in _TITLE_RULES:
            for match in rule.finditer(title):
                if _speaks(match, title) and (who := _trimmed(match.group("who"))):
                    return who
    if found := _G_NUMBER.search(title):
        return found.group()
    return _from_opening(opening)


@lru_cache(maxsize=8192)  # filters ask it of every declaration's title, question after question
def title_speaker(title: str) -> str | None:
    """The speaker a title names where titles put one (:func:`guess_issuer` without the opening)."""
    return guess_issuer(title, "")


def _speaks(match: re.Match[str], title: str) -> bool:
    """An acronym among the speakers, or a name followed by "Leaders" ("Quad Leaders"). First in
    the title, the acronym must be the text's: a word for a text or a meeting follows before a
    colon or comma ("G20 Bali Leaders’ Declaration")."""
    who, end = match.group("who"), match.end("who")
    parts = re.split(r"\s?[-–/]\s?", who)
    if any(part in _NOT_SPEAKERS for part in parts):
        return False
    leaders = _LEADERS_AFTER.match(title, end) is not None
    if who in _TOO_BROAD and not leaders:
        return False
    if match.re is _TITLE_RULES[0] and not (_TEXT_NEXT if match.group("the") else _TEXT_FOLLOWS).match(title, end):
        return False
    if re.search(rf"(?<![\w.]){_ACRONYM}", who):
        return True
    return who not in _NOT_NAMES and leaders


def _from_opening(opening: str) -> str | None:
    match = _OPENING.search(opening)
    if match is None:
        return None
    if _MINISTERS_OF.search(opening, match.start(), match.start("who")) and _PORTFOLIO.match(opening, match.start("who")) \
            and _OF_THE.match(opening, match.end()) is None:
        return None  # "We, the Ministers of the Environment, …": their portfolio, not who they speak for
    while (deeper := _OF_THE.match(opening, match.end())) is not None:
        match = deeper  # "Ministers of Foreign Affairs of the G7": the G7
    if _LIST_GOES_ON.match(opening, match.end()):
        return None  # "… of the Argentine Republic, Barbados, Belize, …"
    short = (match.group("short") or "").strip()
    if short and re.fullmatch(_ACRONYM, short):
        return short
    who = match.group("who")
    return None if who.split()[0] in _NOT_NAMES else _trimmed(who)


def _trimmed(who: str) -> str | None:
    who = re.sub(r"\s?([-–])\s?", r"\1", " ".join(who.split()).strip(" -–"))  # "U.S.- Japan" is "U.S.-Japan"
    return who if who and len(who) <= _LONGEST else None


def guess_place(opening: str) -> str | None:
    """Where the meeting was held, from "met in …" or "gathered in …" in the opening."""
    for match in _MET_IN.finditer(opening):
        place = _tidy(match.group("place"))
        if place and place.split()[0].casefold() not in _NOT_PLACES and len(place) <= _LONGEST:
            return place
    return None


def _tidy(place: str) -> str:
    """The place up to the sentence's full stop ("in New York. The Secretary-General …" is "New
    York"), keeping an abbreviation's ("Washington, D.C.", "St. Petersburg")."""
    kept: list[str] = []
    for word in " ".join(place.split()).split():  # a line break inside "Los Angeles" is a space
        kept.append(word)
        if word.endswith(".") and word.count(".") == 1 and word.casefold() not in _ABBREVIATIONS:
            kept[-1] = word[:-1]
            break
    return " ".join(kept).rstrip(",")


def guess_year(title: str, doc_id: str) -> str | None:
    """The latest year the title ("2023 APEC Leaders' …") and the file name ("g7-2024-apulia")
    give, not after this one (a "2030 Agenda" is a topic), nor a resolution's number: texts cite
    earlier years ("30th Anniversary of the 1994 Budapest Memorandum"), not later ones."""
    years = years_named(title, doc_id)
    return str(max(years)) if years else None


def years_named(title: str, doc_id: str) -> set[int]:
    """The years the title and the file name give (see :func:`guess_year`)."""
    this_year = dt.date.today().year
    return {int(y) for text in (title[:_TITLE_AT_MOST], doc_id) for y in _YEAR.findall(text) if int(y) <= this_year}

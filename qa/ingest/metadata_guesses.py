"""Guesses for a declaration's issuer, place and year when no catalog and no header states them.

A folder of statements dropped in without a catalog still names who speaks, where and when, in
the words every such text opens with: the title ("G20 Bali Leaders' Declaration", "Joint
Statement by the G7 …", "Chairman's Statement of the 27th ASEAN-China Summit"), the opening
formula ("We, the Economic Leaders of APEC, met in San Francisco, California, on …"), and the
file's own name ("g7-2024-apulia"). Narrowing needs them: without a catalog, "What did the G7
say about AI in 2024?" found no issuer G7 and no G7 text dated 2024 in ../shared/declarations,
and answered from an ASEAN statement (eval/narrowing.jsonl, 8 of 12 answered first; a catalog
gives 12 of 12 the right declarations).

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

# An acronym: "G7", "G20", "U.S.", "ASEAN", "EU", "APEC" (two capitals at least, or G and a number).
_ACRONYM = r"(?:G\d{1,2}|[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Z0-9&]*[A-Z](?![a-z]))"
# The speakers of a joint text, joined by hyphens: "ASEAN-China", "U.S.-ROK", "Japan-U.S.", "U.S.- Japan".
_PART = rf"(?:{_ACRONYM}|[A-Z][a-z]+)"
_SPEAKERS = rf"(?P<who>{_PART}(?:\s?[-–]\s?{_PART})*)(?![\w-])"
_TITLE_RULES = (
    # First in the title, after an optional year: "G20 Bali Leaders' Declaration", "2023 APEC
    # Leaders' …", "ASEAN-U.S. Special Summit 2022", "Quad Leaders' Joint Statement" (after "The",
    # an acronym names a thing: "The MPP Program and Border Security Joint Statement by …").
    re.compile(rf"^(?:\d{{4}}\s+)?{_SPEAKERS}\s+\S"),
    # After "by" or "from": "Joint Statement by the G7 Announcing …", "… from Quad Leaders".
    re.compile(rf"\b(?:by|from)\s+(?:the\s+)?{_SPEAKERS}"),
    # "of the 27th ASEAN-China Summit", "of the G20 Leaders".
    re.compile(rf"\bof\s+the\s+(?:\d+(?:st|nd|rd|th)\s+)?{_SPEAKERS}\s+(?:Summit|Leaders|Meeting)\b"),
)
_TEXT_FOLLOWS = re.compile(
    r"^(?:\s+[^\s:,;]+){0,5}?\s+(?i:leaders|summit|declaration|communiqu[eé]|statement|joint|ministers|chair|meeting)"
)
_LEADERS_AFTER = re.compile(r"^\s+(?:Joint\s+)?(?:Economic\s+)?Leaders\b")
# "We, the Leaders of the Group of Seven (G7), gathered …", "We, the Economic Leaders of APEC, met …",
# "We, the Heads of State and Government of the Member States of the Association of … (ASEAN)".
_OPENING = re.compile(
    r"\bWe,?\s+the\s+(?:[A-Za-z]+\s+){0,3}?(?i:leaders|heads of state and government|heads of state|ministers|"
    r"members)\s+of\s+(?:the\s+)?(?:Member States of\s+(?:the\s+)?)?"
    r"(?P<who>[A-Z][\w.'’-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w.'’-]*){0,4})(?:\s+\((?P<short>[^()]{1,12})\))?"
)
# After the speaker, a comma and another name: a list of states, not one speaker.
_LIST_GOES_ON = re.compile(r"\s*,\s*(?:and\s+)?(?:the\s+)?[A-Z]")
# Topics a title may open with, not speakers: "AI Safety Summit Declaration", "HIV/AIDS …".
_NOT_SPEAKERS = {"AI", "COVID", "HIV", "AIDS", "SDG", "SDGS", "WMD", "CBRN", "LGBTQI"}
# Words that stand before "Leaders" without naming anyone: "Joint Leaders Statement on AUKUS".
_NOT_NAMES = {"Joint", "Special", "Economic", "World", "Global", "Foreign", "Regional", "Our", "All", "Other"}
#: A longer guess is a phrase, not a name.
_LONGEST = 48
# "met in Cornwall on …", "gathered in Los Angeles on the margins …", "met in San Francisco,
# California, on …": capitalised words, and at most one more part after a comma. Past tense
# only: "when they meet in Europe at the end of October" is a meeting to come.
_WORD = r"[A-Z][\w'’.-]*"
_MET_IN = re.compile(
    rf"\b(?:met|gathered|assembled|convened)\s+(?:here\s+)?in\s+"
    rf"(?P<place>{_WORD}(?:\s+{_WORD})*(?:,\s+{_WORD}(?:\s+{_WORD})*)?)"
)
_NOT_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "person", "the", "this", "our",
}
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")


def guess_issuer(title: str, opening: str) -> str | None:
    """Who speaks, from the title where it puts the speaker, else the opening's "We, the
    leaders of …"; None when neither says it in a few words."""
    if title and title == title.upper():  # a title in capitals hides its acronyms: only "G7" stands out
        found = re.search(r"(?<![\w-])G\d{1,2}(?![\w-])", title)
        if found:
            return found.group()
    else:
        for rule in _TITLE_RULES:
            for match in rule.finditer(title):
                if _speaks(match, title) and (who := _trimmed(match.group("who"))):
                    return who
    return _from_opening(opening)


@lru_cache(maxsize=8192)  # filters ask it of every declaration's title, question after question
def title_speaker(title: str) -> str | None:
    """The speaker a title names where titles put one (:func:`guess_issuer` without the opening)."""
    return guess_issuer(title, "")


def _speaks(match: re.Match[str], title: str) -> bool:
    """An acronym among the speakers, or a name followed by "Leaders" ("Quad Leaders"). First in
    the title, the acronym must be the text's: a word for a text or a meeting follows before a
    colon or comma ("G20 Bali Leaders’ Declaration"; not "The MPP Program and Border Security:
    Joint Statement by …")."""
    who = match.group("who")
    if any(part in _NOT_SPEAKERS for part in re.split(r"\s?[-–/]\s?", who)):
        return False
    first = match.re is _TITLE_RULES[0]
    if first and not _TEXT_FOLLOWS.match(title[match.end("who"):]):
        return False
    if re.search(rf"(?<![\w.]){_ACRONYM}", who):
        return True
    return who not in _NOT_NAMES and _LEADERS_AFTER.match(title[match.end("who"):]) is not None


def _from_opening(opening: str) -> str | None:
    match = _OPENING.search(opening)
    if match is None or _LIST_GOES_ON.match(opening[match.end():]):
        return None  # "… of the Argentine Republic, Barbados, Belize, …"
    short = (match.group("short") or "").strip()
    if short and re.fullmatch(_ACRONYM, short):
        return short
    return _trimmed(match.group("who"))


def _trimmed(who: str) -> str | None:
    who = re.sub(r"\s?([-–])\s?", r"\1", " ".join(who.split()).strip(" -–"))  # "U.S.- Japan" is "U.S.-Japan"
    return who if who and len(who) <= _LONGEST else None


def guess_place(opening: str) -> str | None:
    """Where the meeting was held, from "met in …" or "gathered in …" in the opening."""
    for match in _MET_IN.finditer(opening):
        place = _tidy(match.group("place"))
        if place.split()[0].casefold() not in _NOT_PLACES and len(place) <= _LONGEST:
            return place
    return None


def _tidy(place: str) -> str:
    """Without the sentence's full stop ("… in Apulia."), keeping an abbreviation's ("D.C.")."""
    place = " ".join(place.split()).rstrip(",")  # a line break inside "Los Angeles" is a space
    last = place.split()[-1]
    return place[:-1] if place.endswith(".") and last.count(".") == 1 else place


def guess_year(title: str, doc_id: str) -> str | None:
    """The year a title gives ("2023 APEC Leaders' …"), else the file name ("g7-2024-apulia"):
    a year not after this one (a "2030 Agenda" is a topic, not a date)."""
    this_year = dt.date.today().year
    for text in (title, doc_id):
        years = [int(y) for y in _YEAR.findall(text) if int(y) <= this_year]
        if years:
            return str(years[0])
    return None

"""Reading a follow-up question in the light of the previous one, without a language model.

"What about Russia?" after "What did NATO say about Georgia in 2012?" is read as
"What did NATO say about Russia in 2012?": the new topic takes the old one's place and
the scope (who, where, when) is kept. A question that leans on a pronoun ("When will it
end?") is searched together with the previous question's content words.

Example:
    >>> reading = read_question("What about Russia?", "What did NATO say about Georgia in 2012?",
    ...                         scope={"nato", "chicago"})
    >>> reading.query
    'What did NATO say about Russia in 2012?'
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from qa.answers.narrowing import MONTH, MONTH_NUMBERS

# Openings that mark a question as a variation on the previous one ("what about X?").
_LEADS = re.compile(
    r"^(?:and\s+|but\s+|so\s+)?(?:(?:what|how)\s+(?:about|of)|same\s+(?:for|about|with)"
    r"|(?:and\s+)?(?:also\s+)?(?:about|regarding|concerning))\s+(?P<topic>.+)$"
    r"|^and\s+(?P<bare>.+)$",
    re.IGNORECASE,
)
# Words that point back to something said before.
_ANAPHORA = frozenset(
    "it its they them their theirs this that these those there he she his her him same".split()
)
_QUESTION_WORDS = frozenset(
    "what when where who whom whose which why how did does do is are was were will would can could should has have had".split()
)
_STOPWORDS = _QUESTION_WORDS | _ANAPHORA | frozenset(
    """a an the of in on at to for from by with about and or but not no as be been being
    any all some more most much many other such than then so also just only very say said
    says tell me us we our you your i my regarding concerning""".split()
)
# Prepositions after which a year or a named place/issuer scopes a question ("in 2012").
_SCOPE_PREPOSITIONS = "in|at|during|since|from|before|after|by|until|till|through|between|of"
# Replies that are not questions at all: never read as a new topic.
_CHATTER = frozenset("thanks thank ok okay yes no hello hi hey great cool fine sure".split())
_WORD = re.compile(r"[\w'’-]+")
_Y = r"(?:1[5-9]|20)\d\d"
_YEAR = re.compile(rf"^{_Y}$")
# A year, perhaps after its month: "2012", "May 2012", "Sept. 2021".
_MY = rf"(?:{MONTH}\s+)?{_Y}"
# When a question is asked of: a year or a span of years, with the preposition before it ("in 2012",
# "since 2023", "between 2021 and 2022", "2021-2022"), a month perhaps before each ("in May 2012").
_WHEN = re.compile(rf"(?:\b(?P<prep>in|during|since|from|after|before|until|till|through|up to|as of)\s+)?"
                   rf"(?P<years>\bbetween\s+{_MY}\s+and\s+{_MY}\b|\b{_MY}(?:\s*(?:-|–|to)\s*{_MY})?\b)", re.IGNORECASE)
#: A question with this many content words or fewer, and no question word, is a fragment
#: ("Russia?", "climate finance") and is read as "what about ...".
FRAGMENT_WORDS = 3
#: A question leaning on a pronoun is self-contained when it has more content words than this.
ANAPHORIC_WORDS = 4


@dataclass(frozen=True)
class Reading:
    """How a question was read.

    Attributes:
        question: The question as asked.
        query: The text to search: the question itself, or its combination with the
            previous turn.
    """

    question: str
    query: str

    @property
    def is_followup(self) -> bool:
        """True when the previous turn changed what is searched."""
        return self.query != self.question


def read_question(question: str, previous: str | None, *, scope: Collection[str] = ()) -> Reading:
    """Read ``question`` as a follow-up of ``previous`` when it looks like one.

    Args:
        question: The new question (already cleaned).
        previous: What the previous turn searched, or None at the start of a chat.
        scope: Lower-case words naming issuers and places (kept when the topic changes).

    Returns:
        A Reading whose ``query`` is what to search.
    """
    question = question.strip()
    if not previous:
        return Reading(question, question)
    scope = {word.lower() for word in scope}
    topic = _new_topic(question)
    if topic is not None:
        return Reading(question, _replace_topic(previous, topic, scope))
    words = _words(question)
    content = [w for w in words if w.lower() not in _STOPWORDS]
    if any(w.lower() in _ANAPHORA for w in words) and len(content) <= ANAPHORIC_WORDS:
        context = _context(previous, question, scope)
        if context:
            return Reading(question, f"{question} ({context})")
    return Reading(question, question)


def scope_words(names: Iterable[str]) -> set[str]:
    """The words of issuers' and places' names that scope a question, lower-cased.

    Only the naming words count: capitalised ones and ones with a digit ("G7"), not the
    small words around them ("21 states of the Americas" gives "americas", "Washington,
    D.C." gives "washington").

    Example:
        >>> sorted(scope_words(["21 states of the Americas", "Washington, D.C.", "G7"]))
        ['americas', 'g7', 'washington']
    """
    words = (w.strip("'’-") for name in names for w in _WORD.findall(name))
    return {
        w.lower() for w in words
        if len(w) > 1 and w.lower() not in _STOPWORDS and (w[0].isupper() or any(c.isdigit() for c in w))
        and not w.isdigit()
    }


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _new_topic(question: str) -> str | None:
    """The topic of "what about X?" or of a bare fragment such as "Russia?"; else None."""
    text = question.rstrip(" ?!.")
    match = _LEADS.match(text)
    if match and match.group("topic"):
        return match.group("topic").strip()
    if match:  # "and X": a topic, unless X is a question of its own ("and when will it end?")
        text = match.group("bare").strip()
    words = _words(text)
    if not words or words[0].lower() in _QUESTION_WORDS or words[0].lower() in _CHATTER:
        return None
    content = [w for w in words if w.lower() not in _STOPWORDS]
    if 0 < len(content) <= FRAGMENT_WORDS and len(words) <= FRAGMENT_WORDS + 2:
        return text
    return None


def _is_scope(word: str, scope: Collection[str]) -> bool:
    """A year or a month, or a word of an issuer's or place's name ("NATO's" too)."""
    return _is_when(word) or re.sub(r"['’]s$", "", word.lower()) in scope


def _is_when(word: str) -> bool:
    """A year ("2012") or a month's name ("May", "Sept.")."""
    return bool(_YEAR.match(word)) or _is_month(word)


def _is_month(word: str) -> bool:
    return word.lower().rstrip(".") in MONTH_NUMBERS


def _replace_topic(previous: str, topic: str, scope: Collection[str]) -> str:
    """Put ``topic`` where the previous question's topic stood, keeping its scope."""
    if _only_scope(topic, scope):  # "in 2024", "And the G20?": who, where or when changes
        return _replace_scope(previous, topic, scope)
    # "say about X", else "agree on X": the topic follows ("Biden and Kishida", before the verb, spoke)
    about = next(filter(None, (re.search(
        rf"\b(?:{lead})\s+(?P<old>.+?)(?P<tail>(?:\s+(?:{_SCOPE_PREPOSITIONS})\s+(?:{MONTH}\s+)?[\w'’-]+)*\s*[?.!]*)$",
        previous, re.IGNORECASE) for lead in ("about|regarding|concerning", "on"))), None)
    if about and _tail_is_scope(about.group("tail"), scope):
        return previous[: about.start("old")] + topic + about.group("tail")
    names = [
        m for m in _WORD.finditer(previous)
        if _is_name(m.group(), scope)
    ]
    if names:  # replace the span from the first to the last name
        return previous[: names[0].start()] + topic + previous[names[-1].end() :]
    if any(_is_name(w, scope) or _is_acronym(w, scope) for w in _words(topic)):
        # A topic with a name of its own ("Ukraine" after "When will the ISAF mission end?")
        # keeps only who, where and when: the old content would pull the search back to it.
        kept = " ".join(w for w in _words(previous) if _is_scope(w, scope))
        return f"{topic} ({kept})" if kept else topic
    return f"{topic} ({_content(previous)})"


def _is_name(word: str, scope: Collection[str]) -> bool:
    """A capitalised word naming a topic: not a question word, not a scope word, and not an
    acronym (ISAF, NATO, G7 name who acts more often than what is talked about)."""
    return (
        word[:1].isupper() and not word.isupper()
        and word.lower() not in _STOPWORDS and not _is_scope(word, scope)
    )


def _is_acronym(word: str, scope: Collection[str]) -> bool:
    return len(word) > 1 and word.isupper() and not _is_scope(word, scope)


def _only_scope(topic: str, scope: Collection[str]) -> bool:
    """True when every content word of ``topic`` names a year, an issuer or a place."""
    words = [w for w in _words(topic) if w.lower() not in _STOPWORDS and not re.fullmatch(_SCOPE_PREPOSITIONS, w, re.IGNORECASE)]
    if any(_is_month(w) for w in words) and not any(_YEAR.match(w) for w in words):
        return False  # "What about March?": a month without its year is a topic ("the March on Rome")
    return bool(words) and all(_is_scope(w, scope) for w in words)


def _replace_scope(previous: str, phrase: str, scope: Collection[str]) -> str:
    """The previous question with the year, issuer or place of ``phrase`` in place of its own.

    "What did NATO say about Georgia in 2012?" + "in 2024" -> "... about Georgia in 2024?";
    "What did the G7 say about climate finance?" + "the G20" -> "What did the G20 say about
    climate finance?". What the previous question lacks is added at its end.
    """
    text, missing = previous, []
    new_when = _WHEN.search(phrase)
    if new_when:
        old_when = _WHEN.search(text)
        bare = new_when.group("prep") is None and not new_when.group("years").lower().startswith("between")
        if old_when is None:
            missing.append(f"in {new_when.group('years')}" if bare else new_when.group())
        elif bare:  # "2021?" after "… in 2024": the year, its preposition kept
            text = text[: old_when.start("years")] + new_when.group("years") + text[old_when.end("years") :]
        elif old_when.group("prep") is not None:  # "since 2023?" after "… in 2024": the whole span
            text = text[: old_when.start()] + new_when.group() + text[old_when.end() :]
        else:  # "since 2023?" after "the 2024 summit": the span at the end, the year out
            text = re.sub(r"\s{2,}", " ", text[: old_when.start()] + text[old_when.end() :])
            missing.append(new_when.group())
    names, who = [w for w in _words(phrase) if _is_scope(w, scope) and not _is_when(w)], ""
    if names:
        after = bool(re.match(rf"(?:{_SCOPE_PREPOSITIONS})\s", phrase, re.IGNORECASE))
        run = _scope_run(text, scope, after_preposition=after)
        if run is not None:
            text = text[: run[0]] + " ".join(names) + text[run[1] :]
        elif after:
            missing.append(phrase.strip(" ?!."))
        else:
            who = f" ({' '.join(names)})"
    if missing:
        text = f"{text.rstrip(' ?!.')} {' '.join(missing)}?"
    return text + who


def _scope_run(text: str, scope: Collection[str], *, after_preposition: bool) -> tuple[int, int] | None:
    """(start, end) of the first run of issuer or place words in ``text`` that follows a
    preposition ("in Chicago": a place) or, with ``after_preposition`` False, does not ("NATO")."""
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if _is_scope(words[i].group(), scope) and not _is_when(words[i].group()):
            j = i
            while j + 1 < len(words) and _is_scope(words[j + 1].group(), scope) and not _is_when(words[j + 1].group()):
                j += 1
            preceded = i > 0 and re.fullmatch(_SCOPE_PREPOSITIONS, words[i - 1].group(), re.IGNORECASE) is not None
            if preceded == after_preposition:
                return words[i].start(), words[j].end()
            i = j
        i += 1
    return None


def _tail_is_scope(tail: str, scope: Collection[str]) -> bool:
    """True when every "in X" of the tail names a year, an issuer or a place."""
    pairs = re.findall(rf"(?:{_SCOPE_PREPOSITIONS})\s+([\w'’-]+)", tail, re.IGNORECASE)
    return all(_is_scope(word, scope) for word in pairs)


def _content(text: str) -> str:
    return " ".join(w for w in _words(text) if w.lower() not in _STOPWORDS)


def _context(previous: str, question: str, scope: Collection[str]) -> str:
    """What a pronoun-leaning question borrows: the previous scope when the new question names
    a topic of its own (maybe nothing), else all the previous content words."""
    if any(_is_name(w, scope) for w in _words(question)):
        # "What did they say about Georgia?": the topic is its own; "they" are whoever spoke.
        return " ".join(w for w in _words(previous) if _is_scope(w, scope))
    return _content(previous)

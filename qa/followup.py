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
from collections.abc import Collection
from dataclasses import dataclass

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
_QUESTION_WORDS = frozenset("what when where who whom whose which why how did does do is are was were will would can could should has have had".split())
_STOPWORDS = _QUESTION_WORDS | _ANAPHORA | frozenset(
    """a an the of in on at to for from by with about and or but not no as be been being
    any all some more most much many other such than then so also just only very say said
    says tell me us we our you your i my regarding concerning""".split()
)
# Prepositions after which a year or a named place/issuer scopes a question ("in 2012").
_SCOPE_PREPOSITIONS = "in|at|during|since|from|before|after|by|until|of"
# Replies that are not questions at all: never read as a new topic.
_CHATTER = frozenset("thanks thank ok okay yes no hello hi hey great cool fine sure".split())
_WORD = re.compile(r"[\w'’-]+")
_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")
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
        return Reading(question, f"{question} ({_context(previous, question, scope)})")
    return Reading(question, question)


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
    return bool(_YEAR.match(word)) or word.lower() in scope


def _replace_topic(previous: str, topic: str, scope: Collection[str]) -> str:
    """Put ``topic`` where the previous question's topic stood, keeping its scope."""
    if _tail_is_scope(topic, scope) and re.match(rf"(?:{_SCOPE_PREPOSITIONS})\s", topic, re.IGNORECASE):
        return _replace_scope(previous, topic)
    about = re.search(
        rf"\babout\s+(?P<old>.+?)(?P<tail>(?:\s+(?:{_SCOPE_PREPOSITIONS})\s+[\w'’-]+)*\s*[?.!]*)$",
        previous,
        re.IGNORECASE,
    )
    if about and _tail_is_scope(about.group("tail"), scope):
        return previous[: about.start("old")] + topic + about.group("tail")
    names = [
        m for m in _WORD.finditer(previous)
        if _is_name(m.group(), scope)
    ]
    if names:  # replace the span from the first to the last name
        return previous[: names[0].start()] + topic + previous[names[-1].end() :]
    return f"{topic} ({_content(previous)})"


def _is_name(word: str, scope: Collection[str]) -> bool:
    """A capitalised word naming a topic: not a question word, not a scope word, and not an
    acronym (ISAF, NATO, G7 name who acts more often than what is talked about)."""
    return (
        word[:1].isupper() and not word.isupper()
        and word.lower() not in _STOPWORDS and not _is_scope(word, scope)
    )


def _replace_scope(previous: str, scope_phrase: str) -> str:
    """"What did NATO say about Georgia in 2012?" + "in 2024" -> "... about Georgia in 2024?"."""
    new_year = re.search(r"\b(?:1[5-9]|20)\d\d\b", scope_phrase)
    old_year = re.search(r"\b(?:1[5-9]|20)\d\d\b", previous)
    if new_year and old_year:
        return previous[: old_year.start()] + new_year.group() + previous[old_year.end() :]
    return f"{previous.rstrip(' ?!.')} {scope_phrase}?"


def _tail_is_scope(tail: str, scope: Collection[str]) -> bool:
    """True when every "in X" of the tail names a year, an issuer or a place."""
    pairs = re.findall(rf"(?:{_SCOPE_PREPOSITIONS})\s+([\w'’-]+)", tail, re.IGNORECASE)
    return all(_is_scope(word, scope) for word in pairs)


def _content(text: str) -> str:
    return " ".join(w for w in _words(text) if w.lower() not in _STOPWORDS)


def _context(previous: str, question: str, scope: Collection[str]) -> str:
    """What a pronoun-leaning question borrows: the previous scope, or all its content words
    when the new question names no topic of its own."""
    own_names = [w for w in _words(question) if _is_name(w, scope)]
    if own_names:
        kept = [w for w in _words(previous) if _is_scope(w, scope)]
        if kept:
            return " ".join(kept)
    return _content(previous)

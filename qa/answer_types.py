"""What kind of thing a question asks for, and which sentences name one.

"When did Temüjin marry Börte?" asks for a date; of two sentences that both speak of the
marriage, the one holding a date the question lacks is likelier the answer. The question's
wh-phrase gives the kinds of named entity (OntoNotes labels, as qa.entities tags them) that
answer it; a question with no such phrase ("What did NATO say about Georgia?") has none, and
no sentence is favoured. An entity counts only when the question does not already name it:
"Who led the Mongols?" is not answered by a sentence because it says "Mongols".

Example:
    >>> answer_labels("When will the ISAF mission end?")
    frozenset({'DATE', 'TIME'})
    >>> AnswerType.of("When will the ISAF mission end?").named_in([("DATE", "2014")])
    True
    >>> AnswerType.of("When will the ISAF mission end?").named_in([("ORG", "ISAF")])
    False
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# (pattern on the lower-cased question, the labels that answer it); the first match decides.
_KINDS: list[tuple[re.Pattern[str], frozenset[str]]] = [
    (re.compile(p), frozenset(labels.split()))
    for p, labels in (
        (r"\bwhat (percentage|percent|proportion|share)\b", "PERCENT"),
        (r"\bwhen\b|\b(what|which|in what) (year|decade|century|month|day|date|time|period|era)\b", "DATE TIME"),
        (r"\bhow many\b|\bwhat (number|amount)\b", "CARDINAL QUANTITY MONEY PERCENT"),
        (r"\bhow much\b", "MONEY QUANTITY PERCENT CARDINAL"),
        (r"\bhow long\b", "DATE TIME QUANTITY"),
        (r"\bhow old\b", "DATE CARDINAL"),
        (r"\bhow (far|large|big|high|tall|wide|deep|heavy|fast)\b", "QUANTITY CARDINAL"),
        (r"\bwho(m|se)?\b", "PERSON ORG NORP"),
        (r"\bwhere\b|\b(what|which) (country|countries|city|cities|state|nation|region|town|continent)\b", "GPE LOC FAC"),
        (r"\b(what|which) (company|organi[sz]ation|group|team|university|party)\b", "ORG"),
        (r"\b(what|which) language\b", "LANGUAGE NORP"),
    )
]

_WORD = re.compile(r"\w+")


def answer_labels(question: str) -> frozenset[str]:
    """The entity labels that would answer ``question``; empty when its wh-phrase names no kind."""
    lowered = question.lower()
    return next((labels for pattern, labels in _KINDS if pattern.search(lowered)), frozenset())


@dataclass(frozen=True)
class AnswerType:
    """A question's answer kind: the entity labels that answer it and the words it already says."""

    labels: frozenset[str]
    asked: frozenset[str]

    @classmethod
    def of(cls, question: str) -> AnswerType:
        return cls(answer_labels(question), frozenset(_WORD.findall(question.lower())))

    def named_in(self, entities: Sequence[tuple[str, str]]) -> bool:
        """Whether entities (label, text) of a sentence include one of this kind that the question does not name."""
        return any(label in self.labels and not set(_WORD.findall(name.lower())) <= self.asked for label, name in entities)

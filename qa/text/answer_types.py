"""What kind of thing a question asks for, and which sentences name one.

"When did Temüjin marry Börte?" asks for a date; of two sentences that both speak of the
marriage, the one holding a date the question lacks is likelier the answer. The question's
wh-phrase gives the kinds of named entity (OntoNotes labels, as qa.text.entities tags them) that
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: OntoNotes 5's entity labels, as spaCy's English pipelines name them; a label's bit in a
#: mask is its position here (a label outside the list has none, and answers nothing).
LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
          "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
_BIT = {label: 1 << i for i, label in enumerate(LABELS)}

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
        return cls(answer_labels(question), _words(question))

    @property
    def mask(self) -> int:
        return label_mask(self.labels)

    def named_in(self, entities: Sequence[tuple[str, str]]) -> bool:
        """Whether entities (label, text) of a sentence include one of this kind that the question does not name."""
        return self._new_in([(label, _words(name)) for label, name in entities])

    def _new_in(self, entities: Iterable[tuple[str, frozenset[str]]]) -> bool:
        return any(label in self.labels and not words <= self.asked for label, words in entities)


def label_mask(labels: Iterable[str]) -> int:
    """The bits of ``labels`` (:data:`LABELS`); labels outside it add none."""
    mask = 0
    for label in labels:
        mask |= _BIT.get(label, 0)
    return mask


def label_masks(entities: Sequence[Sequence[tuple[str, str]]]) -> np.ndarray:
    """``(len(entities),)`` int64: each sentence's :func:`label_mask`, made for all at once (one
    lookup per entity, then array work: 9-15 ms for the 31,025 entities of ../shared's 30,763
    sentences, where a mask made per sentence took 14-18 ms of every open)."""
    counts = np.fromiter(map(len, entities), dtype=np.int64, count=len(entities))
    bit = _BIT.get
    bits = np.fromiter((bit(label, 0) for found in entities for label, _ in found), dtype=np.int64,
                       count=int(counts.sum()))
    masks = np.zeros(len(entities), dtype=np.int64)
    held = np.flatnonzero(counts)  # a sentence's entities run from its start to the next held one's
    if held.size:
        masks[held] = np.bitwise_or.reduceat(bits, (np.cumsum(counts) - counts)[held])
    return masks


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


class EntityTable:
    """Every sentence's entities, arranged so a question's answer kind is matched in array work.

    A sentence whose labels share no bit with the question's is ruled out by its mask; only
    the rest have their entities' words compared with the question's.

    Args:
        entities: Per sentence, its named entities (label, text).
    """

    def __init__(self, entities: Sequence[Sequence[tuple[str, str]]]) -> None:
        self.masks = label_masks(entities)
        self._entities = entities
        # Each sentence's entity words, made when a question first needs them: a library of
        # 30,000 sentences spent half a second of every cold start making all of them.
        self._words: dict[int, tuple[tuple[str, frozenset[str]], ...]] = {}

    def words(self, sentence: int) -> tuple[tuple[str, frozenset[str]], ...]:
        """The (label, words) of each entity of one sentence."""
        found = self._words.get(sentence)
        if found is None:
            found = self._words[sentence] = tuple((label, _words(name)) for label, name in self._entities[sentence])
        return found

    def answering(self, kind: AnswerType, sentences: np.ndarray) -> np.ndarray:
        """``(len(sentences),)`` float32: 1.0 where the sentence names an entity of ``kind`` the question lacks."""
        out = np.zeros(len(sentences), dtype=np.float32)
        rows = np.flatnonzero(self.masks[sentences] & kind.mask)
        if rows.size:  # plain Python ids and one array write: a third of the time of a loop over numpy items
            out[rows] = [kind._new_in(self.words(s)) for s in np.asarray(sentences)[rows].tolist()]
        return out

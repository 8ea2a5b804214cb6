"""Evaluating retrieval and abstention: typed outcomes of a system, and the metrics over them.

The metrics are pure functions of outcomes, so they are tested on hand-made rankings;
:func:`run_questions` and :func:`run_squad` are the only parts that ask a library. Reading
question files is :mod:`qa.evaluation.question_files`; the text report is :mod:`qa.evaluation.report`.

Example:
    >>> lib = Library.open()
    >>> questions = load_questions(Path("eval/declarations.jsonl"), paragraph_numbers(lib.declarations))
    >>> report = evaluate(run_questions(lib, questions))
    >>> report.ranking.recall[1], report.abstention.recall
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qa.answers.questions import clean_question

if TYPE_CHECKING:
    from qa.library import Library

#: (doc_id, paragraph number): one citable paragraph.
Ref = tuple[str, str]

# ----- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalQuestion:
    """One question of an evaluation file.

    Attributes:
        question: The question text.
        gold: The paragraphs any of which answers it; empty when it is unanswerable.
        line: Its 1-based line in the file (0 when made in code).
    """

    question: str
    gold: frozenset[Ref] = frozenset()
    line: int = 0

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


@dataclass(frozen=True)
class Outcome:
    """What the system did with one question: its ranking and whether it refused."""

    question: EvalQuestion
    ranking: tuple[Ref, ...]
    refused: bool = False

    @property
    def rank(self) -> int | None:
        """1-based rank of the first gold paragraph, or None if it is not in the ranking."""
        return first_rank(self.ranking, self.question.gold)

    @property
    def missed(self) -> bool:
        """True unless the system did exactly right: gold first and answered, or refused."""
        if not self.question.answerable:
            return not self.refused
        return self.refused or self.rank != 1


@dataclass(frozen=True)
class RankingMetrics:
    """Recall@k and MRR over answerable questions.

    Attributes:
        questions: How many questions they are computed over.
        recall: k -> share of questions with a gold paragraph in the top k.
        mrr: Mean reciprocal rank of the first gold paragraph, 0 past ``depth``.
        depth: The cut-off of ``mrr`` (MRR@depth).
    """

    questions: int
    recall: dict[int, float]
    mrr: float
    depth: int


@dataclass(frozen=True)
class AbstentionMetrics:
    """How well refusing ("the declarations do not answer this") matches unanswerability.

    Attributes:
        answerable: Answerable questions.
        unanswerable: Unanswerable questions.
        refused_unanswerable: Unanswerable questions refused (right).
        refused_answerable: Answerable questions refused (wrong).
    """

    answerable: int
    unanswerable: int
    refused_unanswerable: int
    refused_answerable: int

    @property
    def refused(self) -> int:
        return self.refused_unanswerable + self.refused_answerable

    @property
    def precision(self) -> float | None:
        """Of the questions refused, the share truly unanswerable (None if none was refused)."""
        return _share(self.refused_unanswerable, self.refused)

    @property
    def recall(self) -> float | None:
        """Of the unanswerable questions, the share refused (None if there are none)."""
        return _share(self.refused_unanswerable, self.unanswerable)

    @property
    def false_refusal(self) -> float | None:
        """Of the answerable questions, the share wrongly refused (None if there are none)."""
        return _share(self.refused_answerable, self.answerable)


@dataclass(frozen=True)
class EvalReport:
    """Metrics of one evaluation file, and every outcome for listing misses."""

    ranking: RankingMetrics
    abstention: AbstentionMetrics
    outcomes: tuple[Outcome, ...] = field(repr=False, default=())

    @property
    def misses(self) -> list[Outcome]:
        """Outcomes that were not exactly right (see :attr:`Outcome.missed`), in file order."""
        return [o for o in self.outcomes if o.missed]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data: the metrics, then the misses."""
        return {
            "ranking": _ranking_dict(self.ranking),
            "abstention": {
                "answerable": self.abstention.answerable,
                "unanswerable": self.abstention.unanswerable,
                "refused_unanswerable": self.abstention.refused_unanswerable,
                "refused_answerable": self.abstention.refused_answerable,
                "precision": self.abstention.precision,
                "recall": self.abstention.recall,
                "false_refusal": self.abstention.false_refusal,
            },
            "misses": [_miss_dict(o) for o in self.misses],
        }


@dataclass(frozen=True)
class SquadQuestion:
    """A SQuAD question: its gold paragraph and the gold answer strings."""

    question: str
    gold: Ref
    answers: tuple[str, ...]


@dataclass(frozen=True)
class SquadSet:
    """A SQuAD file as passages for :meth:`Library.from_passages` plus its questions."""

    passages: list[dict[str, str]]
    questions: list[SquadQuestion]


@dataclass(frozen=True)
class SquadOutcome:
    """The ranking of one SQuAD question and the highlighted sentence of its top hit."""

    question: SquadQuestion
    ranking: tuple[Ref, ...]
    sentence: str


@dataclass(frozen=True)
class SquadReport:
    """Retrieval metrics of a SQuAD file and answer-sentence accuracy.

    Attributes:
        ranking: Recall@k and MRR of the gold paragraph.
        sentence_accuracy: Share of questions whose top hit's highlighted sentence contains
            a gold answer (case-insensitive, whitespace normalised).
        sentence_accuracy_in_gold: The same, counting only top hits that are the gold paragraph.
        paragraphs: Paragraphs indexed.
    """

    ranking: RankingMetrics
    sentence_accuracy: float
    sentence_accuracy_in_gold: float
    paragraphs: int

    def to_dict(self) -> dict[str, object]:
        return {
            "paragraphs": self.paragraphs,
            "ranking": _ranking_dict(self.ranking),
            "sentence_accuracy": self.sentence_accuracy,
            "sentence_accuracy_in_gold": self.sentence_accuracy_in_gold,
        }


# ----- metrics (pure) -----------------------------------------------------------------------


def first_rank(ranking: Sequence[Ref], gold: Iterable[Ref]) -> int | None:
    """1-based rank of the first paragraph of ``ranking`` in ``gold``, or None."""
    wanted = set(gold)
    return next((i for i, ref in enumerate(ranking, start=1) if ref in wanted), None)


def ranking_metrics(ranks: Sequence[int | None], *, ks: Sequence[int], depth: int) -> RankingMetrics:
    """Recall@k for each k and MRR@depth from 1-based gold ranks (None: not found)."""
    n = len(ranks)
    recall = {k: _share(sum(r is not None and r <= k for r in ranks), n) or 0.0 for k in ks}
    mrr = sum(1.0 / r for r in ranks if r is not None and r <= depth) / n if n else 0.0
    return RankingMetrics(questions=n, recall=recall, mrr=mrr, depth=depth)


def abstention_metrics(outcomes: Iterable[Outcome]) -> AbstentionMetrics:
    """Count refusals of answerable and unanswerable questions."""
    outcomes = list(outcomes)
    return AbstentionMetrics(
        answerable=sum(o.question.answerable for o in outcomes),
        unanswerable=sum(not o.question.answerable for o in outcomes),
        refused_unanswerable=sum(o.refused and not o.question.answerable for o in outcomes),
        refused_answerable=sum(o.refused and o.question.answerable for o in outcomes),
    )


def evaluate(outcomes: Iterable[Outcome], *, ks: Sequence[int] = (1, 3, 5), depth: int = 10) -> EvalReport:
    """Ranking metrics over the answerable questions (refused or not) and abstention metrics."""
    outcomes = tuple(outcomes)
    ranks = [o.rank for o in outcomes if o.question.answerable]
    return EvalReport(ranking_metrics(ranks, ks=ks, depth=depth), abstention_metrics(outcomes), outcomes)


def normalise(text: str) -> str:
    """Casefolded, with runs of whitespace as one space: how answers are compared."""
    return " ".join(text.split()).casefold()


def contains_answer(sentence: str, answers: Iterable[str]) -> bool:
    """True when the sentence contains one of the (non-blank) answers, see :func:`normalise`."""
    text = normalise(sentence)
    return any(normalise(a) and normalise(a) in text for a in answers)


def evaluate_squad(
    outcomes: Iterable[SquadOutcome], *, paragraphs: int, ks: Sequence[int] = (1, 5, 20), depth: int = 20
) -> SquadReport:
    """Recall@k, MRR@depth and answer-sentence accuracy of SQuAD outcomes."""
    outcomes = list(outcomes)
    ranks = [first_rank(o.ranking, [o.question.gold]) for o in outcomes]
    correct = [contains_answer(o.sentence, o.question.answers) for o in outcomes]
    in_gold = [ok and rank == 1 for ok, rank in zip(correct, ranks)]
    return SquadReport(
        ranking=ranking_metrics(ranks, ks=ks, depth=depth),
        sentence_accuracy=_share(sum(correct), len(outcomes)) or 0.0,
        sentence_accuracy_in_gold=_share(sum(in_gold), len(outcomes)) or 0.0,
        paragraphs=paragraphs,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _ranking_dict(metrics: RankingMetrics) -> dict[str, object]:
    data: dict[str, object] = {"questions": metrics.questions}
    data.update({f"recall@{k}": v for k, v in metrics.recall.items()})
    data[f"mrr@{metrics.depth}"] = metrics.mrr
    return data


def _miss_dict(outcome: Outcome) -> dict[str, object]:
    q = outcome.question
    return {
        "line": q.line,
        "question": q.question,
        "answerable": q.answerable,
        "refused": outcome.refused,
        "rank": outcome.rank,
        "gold": [list(ref) for ref in sorted(q.gold)],
        "top": list(outcome.ranking[0]) if outcome.ranking else None,
    }


# ----- running a library --------------------------------------------------------------------


def run_questions(
    lib: Library, questions: Iterable[EvalQuestion], *, depth: int = 10, progress: bool = False
) -> list[Outcome]:
    """Ask every question (``lib.ask(question, k=depth)``): its ranking, and whether it was refused."""
    outcomes = []
    for q in _bar(list(questions), progress):
        answer = lib.ask(q.question, k=depth)
        ranking = tuple(_same_words(lib, (hit.doc_id, hit.paragraph), q.gold) for hit in answer.hits)
        outcomes.append(Outcome(q, ranking, refused=not answer.found))
    return outcomes


def _same_words(lib: Library, place: Ref, gold: frozenset[Ref]) -> Ref:
    """A hit's place, or the gold paragraph it shows the very words of (another source of the
    same declaration, shown once: qa.answers.duplicates)."""
    duplicates = getattr(lib, "duplicates", None)
    if duplicates is None or place in gold:
        return place
    return next((other for other in duplicates.others(*place) if other in gold), place)


def squad_library(
    squad: SquadSet, *, model: str | None = None, cache_dir: Path | None = None, progress: bool = False
) -> Library:
    """An in-memory library over a SQuAD file's paragraphs, embedded through a cache if given."""
    from embeddings.cache import CachingEncoder
    from embeddings.encoder import Encoder
    from qa.library import Library

    encoder = Encoder(model)
    if cache_dir is not None:
        encoder = CachingEncoder(encoder, cache_dir)
        # The questions go in one batch now: each search then finds its vector in the cache
        # instead of running the model alone (and writing a one-vector cache shard).
        encoder.encode([clean_question(q.question) for q in squad.questions], progress=progress)
    return Library.from_passages(squad.passages, encoder=encoder, progress=progress)


def run_squad(
    lib: Library, questions: Iterable[SquadQuestion], *, depth: int = 20, progress: bool = False
) -> list[SquadOutcome]:
    """Rank every paragraph for every question (``lib.search(question, k=depth)``)."""
    outcomes = []
    for q in _bar(list(questions), progress):
        hits = lib.search(q.question, k=depth)
        ranking = tuple((hit.doc_id, hit.paragraph) for hit in hits)
        outcomes.append(SquadOutcome(q, ranking, hits[0].sentence if hits else ""))
    return outcomes


def _bar(items: list, progress: bool):
    from tqdm import tqdm

    return tqdm(items, desc="questions", unit="q", file=sys.stderr, disable=not progress, leave=False)

"""Highlight cases: one question with its evidence and its top hit, as squad_highlight and squad_rerank score them.

A :class:`Case` holds what the index gathered for a question (``HybridIndex.evidence``) and
how to judge a stretch of text, so that a highlight rule or a pair model is a few array
operations. :func:`squad_cases` builds them for a SQuAD file through the library `qa eval
--squad` builds; :func:`question_file_cases` for a question file of eval/ over the declarations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import EVAL_CACHE, cache_dir, cached_encoder, load_declarations
from qa.evaluation.metrics import contains_answer, first_rank
from qa.search.fusion import Evidence


@dataclass(frozen=True)
class Case:
    """One question: its evidence, where its top hit sits in it, and how to judge a sentence."""

    question: str
    ev: Evidence
    top: int  # candidate position of the top hit in ev
    rank: int | None  # 1-based rank of the gold paragraph (None: not in the top 20)
    gold: frozenset[int]  # the gold paragraph rows
    part: str  # "tuned", "held-out", "declarations" or "heldout"
    texts: list[str]  # paragraph texts by row
    spans: np.ndarray  # (sentences, 3) the index's row, start, end of each sentence (a pysbd piece)
    extents: np.ndarray  # (sentences, 2) start, end of the whole sentence each piece is part of
    answers: Callable[[int, int, int], bool]  # (row, start, end) -> does that text hold the answer?
    vector: np.ndarray  # the question's unit vector
    article: int  # SQuAD article number (its position in the file); -1 for the declarations

    def sentence_text(self, sentence: int) -> str:
        row, start, end = self.spans[sentence]
        return self.texts[row][start:end]


def make_case(index, texts: list[str], question: str, gold: set[int], part: str, answers, article: int = -1) -> Case:
    """Ask ``index`` the question (top 20) and keep its evidence and ranking as a case."""
    vector = index.encoder.encode([question])[0]
    ev = index.evidence(question, k=20, vector=vector)
    ranked = index.rank(ev, k=20)
    top = int(np.flatnonzero(ev.rows == ranked[0].row)[0])
    rank = first_rank([r.row for r in ranked], gold)
    parts = index._p  # a benchmark may look inside
    return Case(question, ev, top, rank, frozenset(gold), part, texts, parts.spans, parts.extents, answers, vector, article)


def whole_sentence(case: Case) -> Callable[[int], str]:
    """sentence -> the text of the whole sentence it is part of (what the highlight shows)."""

    def whole(sentence: int) -> str:
        start, end = case.extents[sentence]
        return case.texts[case.spans[sentence, 0]][start:end]

    return whole


# ----- the classic answer types, by pattern ----------------------------------------------------

YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(January|February|March|April|May|June|July|August|"
                  r"September|October|November|December)\b")
NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                    r"forty|fifty|hundred|thousand|million|billion|dozen|half|several)\b", re.IGNORECASE)
NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'-]+")


def answer_type(question: str) -> str | None:
    """The classic answer types: a date, a number, a name (who) or a place (where)."""
    q = question.lower()
    if re.search(r"\bwhen\b|\b(what|which)\s+(year|decade|century|month|day|date)\b", q):
        return "date"
    if re.search(r"\bhow (many|much|long|old|far|large|big|high|often)\b|\bwhat (percentage|percent|number|amount)\b", q):
        return "number"
    if re.search(r"\bwho(m|se)?\b", q):
        return "name"
    if re.search(r"\bwhere\b", q):
        return "place"
    return None


def matches_answer_type(question: str, text: str) -> float:
    """1 when the text holds what the question's answer type asks for (a year for "when", a
    capitalised word the question lacks for "who" and "where"); 0 too for untyped questions."""
    kind = answer_type(question)
    if kind is None:
        return 0.0
    if kind == "date":
        return float(bool(YEAR.search(text)))
    if kind == "number":
        return float(bool(NUMBER.search(text)))
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    return float(any(m.group(0).lower() not in asked for m in NAME.finditer(text)))


# ----- the question sets ---------------------------------------------------------------------


def squad_cases(path: Path) -> list[Case]:
    """SQuAD through the library ``qa eval --squad`` builds, article parity as the split."""
    from qa.answers.questions import clean_question
    from qa.evaluation import metrics as evaluation
    from qa.evaluation.question_files import load_squad

    squad = load_squad(path)
    lib = evaluation.squad_library(squad, cache_dir=cache_dir(EVAL_CACHE))
    rows = lib._rows  # a benchmark may look inside
    texts = [p.text for _, p in rows]
    where = {(d.doc_id, p.number): i for i, (d, p) in enumerate(rows)}
    article = {title: n for n, title in enumerate(dict.fromkeys(d.doc_id for d, _ in rows))}
    cases = []
    for q in squad.questions:
        part = "tuned" if article[q.gold[0]] % 2 == 0 else "held-out"

        def answers(row: int, start: int, end: int, gold=q.answers) -> bool:
            return contains_answer(texts[row][start:end], gold)

        cases.append(make_case(lib._index, texts, clean_question(q.question), {where[q.gold]}, part, answers,
                               article[q.gold[0]]))
    return cases


def question_file_cases(folder: Path, name: str = "declarations.jsonl") -> list[Case]:
    """eval/<name> over the declarations in ``folder``, any evidence-overlapping sentence counting;
    the cases' part is the file's stem ("declarations", "heldout")."""
    bench = load_declarations(folder, cached_encoder(), name)
    part = name.split(".")[0]
    return [make_case(bench.index, bench.texts, question, set(bench.gold[q]), part,
                      lambda row, start, end, q=q: bench.sentence_ok(q, row, (start, end)))
            for q, question in enumerate(bench.questions)]

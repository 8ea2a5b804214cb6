"""Reading evaluation files: JSONL question sets over a corpus, and SQuAD v1.1 files.

Both readers check everything before a model runs and report every bad line at once.

Example:
    >>> questions = load_questions(Path("eval/declarations.jsonl"), paragraph_numbers(lib.declarations))
    >>> squad = load_squad(Path("squad-dev.json"), limit=100)
    >>> lib = Library.from_passages(squad.passages)
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from qa.documents import Declaration
from qa.errors import EvalFileError
from qa.evaluation.metrics import EvalQuestion, Ref, SquadQuestion, SquadSet

#: Most problems an error message lists; the rest are counted.
_MAX_PROBLEMS = 10


# ----- JSONL question sets ------------------------------------------------------------------

def paragraph_numbers(declarations: Iterable[Declaration]) -> dict[str, list[str]]:
    """doc_id -> its paragraph numbers in order: what :func:`load_questions` checks against."""
    return {d.doc_id: [p.number for p in d.paragraphs] for d in declarations}


def load_questions(path: Path, known: Mapping[str, Sequence[str]] | None = None) -> list[EvalQuestion]:
    """Read a JSONL question file; with ``known``, also check it against the corpus.

    Each line is ``{"question", "doc_id", "paragraphs": [...], "also": [{"doc_id",
    "paragraphs"}]}`` (any listed paragraph answers; ``also`` is optional) or
    ``{"question", "answerable": false}``. Other keys (such as ``evidence``) are ignored.

    Args:
        path: The file.
        known: doc_id -> paragraph numbers (see :func:`paragraph_numbers`), for
            :func:`check_questions`; None reads the file only, which needs no corpus.

    Raises:
        EvalFileError: Listing every bad line (invalid JSON, a missing field, and with
            ``known`` an unknown doc_id or a paragraph the declaration lacks), or if the
            file is unreadable or holds no question.
    """
    questions, problems = [], []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(_parse_line(line, number))
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
    _raise_problems(path, problems, "bad line")
    if not questions:
        raise EvalFileError(f"{path} holds no questions: write one JSON object per line.")
    if known is not None:
        check_questions(path, questions, known)
    return questions


def check_questions(path: Path, questions: Iterable[EvalQuestion], known: Mapping[str, Sequence[str]]) -> None:
    """Check that every gold paragraph exists in the corpus.

    Raises:
        EvalFileError: Listing every line with an unknown doc_id or paragraph number.
    """
    problems = []
    for question in questions:
        for doc_id, paragraph in sorted(question.gold):
            problem = _ref_problem(doc_id, paragraph, known)
            if problem:
                problems.append(f"line {question.line}: {problem}")
    _raise_problems(path, problems, "bad line")


def _ref_problem(doc_id: str, paragraph: str, known: Mapping[str, Sequence[str]]) -> str | None:
    if doc_id not in known:
        near = difflib.get_close_matches(doc_id, list(known), n=1, cutoff=0.4)
        return f"unknown doc_id {doc_id!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
    numbers = known[doc_id]
    if paragraph not in numbers:
        has = f"it has {numbers[0]}…{numbers[-1]}" if numbers else "it has none"
        return f"{doc_id} has no paragraph {paragraph!r} ({has})"
    return None


def _read_text(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalFileError(f"No such file: {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"Cannot read {path}: {exc}. Evaluation files are UTF-8 text.") from None


def _parse_line(line: str, number: int) -> EvalQuestion:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError('missing "question" (a non-empty string)')
    answerable = row.get("answerable", True)
    if not isinstance(answerable, bool):
        raise ValueError(f'"answerable" must be true or false, not {answerable!r}')
    if not answerable:
        if "doc_id" in row or "paragraphs" in row:
            raise ValueError('"answerable": false, yet doc_id or paragraphs are given; keep one or the other')
        return EvalQuestion(question, frozenset(), number)
    gold = set(_refs(row, where=""))
    also = row.get("also", [])
    if not isinstance(also, list):
        raise ValueError('"also" must be a list of {"doc_id", "paragraphs"} objects')
    for i, extra in enumerate(also):
        if not isinstance(extra, dict):
            raise ValueError(f'also[{i}] must be an object with "doc_id" and "paragraphs"')
        gold.update(_refs(extra, where=f"also[{i}]: "))
    return EvalQuestion(question, frozenset(gold), number)


def _refs(row: Mapping[str, object], *, where: str) -> list[Ref]:
    doc_id, paragraphs = row.get("doc_id"), row.get("paragraphs")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError(
            f'{where}missing "doc_id": an answerable question needs "doc_id" and "paragraphs" '
            '(or "answerable": false)'
        )
    if not isinstance(paragraphs, list) or not paragraphs or not all(isinstance(p, (str, int)) for p in paragraphs):
        raise ValueError(f'{where}"paragraphs" must be a non-empty list of paragraph numbers such as ["29"]')
    return [(doc_id, str(p)) for p in paragraphs]


def _raise_problems(path: Path, problems: list[str], what: str) -> None:
    if not problems:
        return
    more = f"\n  … and {len(problems) - _MAX_PROBLEMS} more" if len(problems) > _MAX_PROBLEMS else ""
    raise EvalFileError(
        f"{path} has {len(problems)} {what}{'s' * (len(problems) != 1)}:\n  "
        + "\n  ".join(problems[:_MAX_PROBLEMS]) + more
    )


# ----- SQuAD --------------------------------------------------------------------------------


def load_squad(path: Path, *, limit: int | None = None) -> SquadSet:
    """Read a SQuAD v1.1 file: every paragraph a passage, every question with its answers.

    A passage's doc_id is its article title and its paragraph number is its index in the
    article ("0", "1", ...). ``limit`` keeps the first questions only; every paragraph is
    still indexed, so the numbers stay comparable with a full run.

    Raises:
        EvalFileError: If the file is not JSON or not shaped like SQuAD v1.1 (listing where).
    """
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalFileError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    articles = data.get("data") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        raise EvalFileError(f'{path} is not a SQuAD v1.1 file: expected an object with a "data" list of articles.')
    passages: list[dict[str, str]] = []
    questions: list[SquadQuestion] = []
    problems: list[str] = []
    seen: dict[str, int] = {}  # title -> paragraphs so far, so a repeated title keeps numbering
    for a, article in enumerate(articles):
        where = f"data[{a}]"
        title = article.get("title") if isinstance(article, dict) else None
        pars = article.get("paragraphs") if isinstance(article, dict) else None
        if not isinstance(title, str) or not title.strip() or not isinstance(pars, list):
            problems.append(f'{where}: an article needs a "title" and a "paragraphs" list')
            continue
        for p, par in enumerate(pars):
            ref = (title, str(seen.get(title, 0)))
            context = par.get("context") if isinstance(par, dict) else None
            if not isinstance(context, str) or not context.strip():
                problems.append(f'{where}.paragraphs[{p}]: missing "context" (the paragraph text)')
                continue
            seen[title] = seen.get(title, 0) + 1
            passages.append({"doc_id": ref[0], "paragraph": ref[1], "text": context, "title": title.replace("_", " ")})
            for q, item in enumerate(par.get("qas") or []):
                try:
                    questions.append(_squad_question(item, ref))
                except ValueError as exc:
                    problems.append(f"{where}.paragraphs[{p}].qas[{q}]: {exc}")
    _raise_problems(path, problems, "problem")
    if not questions:
        raise EvalFileError(f"{path} holds no questions.")
    return SquadSet(passages, questions[:limit] if limit else questions)


def _squad_question(item: object, gold: Ref) -> SquadQuestion:
    if not isinstance(item, dict):
        raise ValueError("expected an object with \"question\" and \"answers\"")
    question, answers = item.get("question"), item.get("answers")
    if not isinstance(question, str) or not question.strip():
        raise ValueError('missing "question" (a non-empty string)')
    if not isinstance(answers, list) or not answers:
        raise ValueError('missing "answers": SQuAD v1.1 questions have at least one {"text": ...}')
    texts = tuple(a.get("text") for a in answers if isinstance(a, dict))
    if len(texts) != len(answers) or not all(isinstance(t, str) for t in texts):
        raise ValueError('each answer must be an object with a "text" string')
    return SquadQuestion(question, gold, texts)

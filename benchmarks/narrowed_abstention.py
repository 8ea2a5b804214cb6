"""Abstention on narrowed questions: the meaning of the topic, not of the names that narrowed it.

A question that names an issuer or a year is searched among those declarations only
(qa.answers.narrowing), and the words that named them stop counting in the word matching. Its
vector keeps them, though, and inside the filter they bring every paragraph near: "What did NATO
say about Haiti?" reached cosine 0.49 on a NATO paragraph that never names Haiti, above the 0.43
that answers. ``Library.ask`` now also asks that the best passage hold a word of the topic (the
question without the words naming the filter, qa.answers.narrowing.topic_of) or that the topic
alone come as close as an answer must (``Library._on_topic``).

For each library and question file this prints, over the questions a filter narrows, how many
answerable ones are refused and how many unanswerable ones are, with the calibrated rule alone
and with the topic check. The files: eval/'s (answerable = has gold paragraphs, or marked so in
the calibration files) and a grid of questions naming an issuer the library holds and a topic
far from what declarations discuss; a grid question counts as unanswerable only where no
paragraph of the declarations it narrows to holds a word of its topic (the others are left out
and counted).

    QA_CATALOG=eval/shared-declarations.catalog.toml HF_HUB_OFFLINE=1 \\
        .venv/bin/python -m benchmarks.narrowed_abstention --index <index of ../shared/declarations> \\
        [--whole-index <index of the whole ../shared library>]
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from benchmarks.common import ROOT, declarations_and_whole

#: Bodies and topics for the grid (a question whose declarations hold a topic word is left out).
ISSUERS = ("NATO", "the G7", "the G20", "ASEAN", "APEC", "the General Assembly")
TOPICS = ("Haiti", "the Olympic Games", "Antarctica", "bitcoin mining", "the Apollo moon landings")


@dataclass(frozen=True)
class Asked:
    question: str
    answerable: bool
    calibrated: bool  # answered by the calibrated rule alone
    checked: bool  # answered with the topic check too (Library.ask)


def questions() -> dict[str, list[tuple[str, bool | None]]]:
    from qa.evaluation.question_files import load_questions

    files = {name: [(q.question, bool(q.gold)) for q in load_questions(ROOT / "eval" / name)]
             for name in ("declarations.jsonl", "heldout.jsonl", "narrowing.jsonl")}
    for name in ("calibration.jsonl", "people_calibration.jsonl"):
        lines = (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines()
        files[name] = [(row["question"], bool(row["answerable"])) for row in map(json.loads, filter(None, lines))]
    files["issuer x absent topic"] = [(f"What did {who} say about {what}?", None) for who in ISSUERS for what in TOPICS]
    # The same with the words for who speaks (nineteenth session): "What did the G7 leaders say about Haiti?"
    files["leaders x absent topic"] = [(f"What did {who} leaders say about {what}?", None)
                                       for who in ISSUERS if who != "the General Assembly" for what in TOPICS]
    return files


try:
    from qa.answers.narrowing import SPEAKING as _SPEAKING
except ImportError:  # a checkout before the nineteenth session, for the figures before
    _SPEAKING = frozenset()


def ask_narrowed(lib, question: str, answerable: bool | None) -> Asked | None:
    """How the calibrated rule alone and ``Library.ask`` decide a question a filter narrows
    (None for one that narrows to nothing or whose filter names no word). ``answerable`` None:
    unanswerable if no paragraph of the declarations narrowed to holds a word of the topic, else
    None too."""
    from qa.answers.narrowing import filter_words, implied_filters, topic_of
    from qa.answers.questions import clean_question
    from qa.search.abstention import is_answered
    from qa.text.tokens import tokenize

    state = lib._state  # noqa: SLF001 (the benchmark looks inside)
    text = clean_question(question)
    implied = implied_filters(text, state.declarations, state.named_people, state.issuer_aliases)
    if implied is None or not (filter_words(implied) - _SPEAKING):  # as before the speakers' words stopped counting
        return None
    if answerable is None:
        # The topic without the words for who speaks too: "leaders" is in every G7 text, not a topic.
        topic = set(tokenize(topic_of(text, filter_words(implied) | _SPEAKING) or ""))
        kept = implied.select(state.declarations)
        if any(topic & set(tokenize(p.text)) for d in kept for p in d.paragraphs):
            return None
        answerable = False
    answer = lib.ask(question, k=1)
    ranked = state.rank(text, k=1, filters=implied)
    calibrated = bool(ranked) and is_answered(ranked[0], min_cosine=state.min_cosine_for(implied))
    return Asked(question, answerable, calibrated, answer.found)


def report(name: str, lib) -> None:
    print(f"{name}: {len(lib.declarations)} declarations")
    for file, asked in questions().items():
        rows = [a for a in (ask_narrowed(lib, q, answerable) for q, answerable in asked) if a is not None]
        yes = [a for a in rows if a.answerable]
        no = [a for a in rows if not a.answerable]
        print(f"  {file:<26} narrowed {len(rows):>3}: answerable refused {sum(not a.calibrated for a in yes)} -> "
              f"{sum(not a.checked for a in yes)} of {len(yes)}; unanswerable refused "
              f"{sum(not a.calibrated for a in no)} -> {sum(not a.checked for a in no)} of {len(no)}")
        for a in rows:
            if a.calibrated != a.checked:
                kind, now = "answerable" if a.answerable else "unanswerable", "answered" if a.checked else "refused"
                print(f"      {kind}, now {now}: {a.question}")


def main(argv: list[str] | None = None) -> int:
    for name, lib in declarations_and_whole(__doc__.split("\n\n")[0], argv):
        report(name, lib)
    return 0


if __name__ == "__main__":
    sys.exit(main())

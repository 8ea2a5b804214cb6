"""Evaluation reports as `qa eval` prints them: the metrics, then (verbose) every miss."""

from __future__ import annotations

from qa.evaluation.metrics import EvalReport, Outcome, SquadReport


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def render_report(report: EvalReport, *, verbose: bool = False) -> str:
    """The report as `qa eval` prints it; ``verbose`` adds every miss."""
    r, a = report.ranking, report.abstention
    lines = [f"{a.answerable + a.unanswerable} questions: {a.answerable} answerable, {a.unanswerable} unanswerable", ""]
    lines.append(f"Retrieval over the {r.questions} answerable questions")
    lines += [f"  recall@{k:<3} {_fmt(v)}" for k, v in r.recall.items()]
    lines += [f"  MRR@{r.depth:<6} {_fmt(r.mrr)}", ""]
    lines += [
        "Abstention (refused: the best hit is judged not to answer)",
        f"  precision  {_fmt(a.precision)}  of {a.refused} refused, {a.refused_unanswerable} unanswerable",
        f"  recall     {_fmt(a.recall)}  of {a.unanswerable} unanswerable, {a.refused_unanswerable} refused",
        f"  answerable wrongly refused  {_fmt(a.false_refusal)}  ({a.refused_answerable} of {a.answerable})",
    ]
    if verbose:
        lines += ["", f"Misses ({len(report.misses)})"] + [f"  {_describe(o)}" for o in report.misses]
    return "\n".join(lines)


def _describe(outcome: Outcome) -> str:
    q = outcome.question
    top = "{} {}".format(*outcome.ranking[0]) if outcome.ranking else "nothing"
    if not q.answerable:
        what = f"answered, but unanswerable (top: {top})"
    else:
        rank = f"gold at rank {outcome.rank}" if outcome.rank else f"gold not in the top {len(outcome.ranking)}"
        gold = ", ".join(f"{d} {p}" for d, p in sorted(q.gold))
        what = ("REFUSED; " if outcome.refused else "") + f"{rank} (top: {top}; gold: {gold})"
    return f"line {q.line}: {q.question!r}: {what}"


def render_squad_report(report: SquadReport) -> str:
    """The SQuAD report as `qa eval --squad` prints it."""
    r = report.ranking
    lines = [f"{r.questions} questions over {report.paragraphs} paragraphs", ""]
    lines += [f"  recall@{k:<3} {_fmt(v)}" for k, v in r.recall.items()]
    lines += [
        f"  MRR@{r.depth:<6} {_fmt(r.mrr)}",
        f"  answer sentence accuracy  {_fmt(report.sentence_accuracy)}  "
        "(the top hit's highlighted sentence contains a gold answer)",
        f"    … and the top hit is the gold paragraph  {_fmt(report.sentence_accuracy_in_gold)}",
    ]
    return "\n".join(lines)

"""Questions asking of a text the library lacks: a body it holds no text of, a resolution it does
not hold (qa.answers.absent_bodies, qa.answers.narrowing.unheld_symbols; ``Answer.missing``).

"What did the African Union say about Sudan?" was answered from a General Assembly resolution
that mentions the Sudan, as if it were the African Union's words. For each library this asks:

- a grid of bodies no declaration of ../shared is of, on topics the library's texts discuss
  (unanswerable as asked): how many were answered before (``narrow=False`` reads no body) and
  how many now;
- the bodies the library holds asked of years no declaration is of, the year ending the question
  ("What did NATO say about Russia in 2023?"): how many are said missing; and of years to come,
  a target's ("… about coal in 2035?"): none should be;
- a grid of the bodies the library holds, on the same topics, and every question of eval/
  (answerable ones and not): how many the rule refuses (it should refuse none of the answerable),
  with each refusal printed.

    QA_CATALOG=eval/shared-declarations.catalog.toml HF_HUB_OFFLINE=1 \\
        .venv/bin/python -m benchmarks.absent_texts --index <index of ../shared/declarations> \\
        [--whole-index <index of the whole ../shared library>]
"""

from __future__ import annotations

import sys

from benchmarks.common import declarations_and_whole
from benchmarks.narrowed_abstention import questions

ABSENT = ("the African Union", "ECOWAS", "the OSCE", "the Arab League", "the Organization of American States",
          "the Security Council", "the UN Security Council", "BRICS", "Mercosur", "the European Council")
HELD = ("NATO", "the G7", "the G20", "ASEAN", "APEC", "the General Assembly", "the United States")
#: Held in the whole library only (U.S.-EU statements), not among the 11 declarations.
HELD_WHOLE = ("the EU", "the European Union")
TOPICS = ("Ukraine", "climate change", "food security", "Haiti", "the Sudan", "vaccines")
VERBS = ("What did {} say about {}?", "What has {} decided on {}?", "What have {} agreed on {}?")
#: A year ending the question dates what was said (twentieth session): "What did NATO say about
#: Russia in 2023?" of a library whose NATO texts are of 2012. A year to come is a target's.
YEAR_ASKED = ("What did {} say about {} in {}?", "What did {} say about {} in March {}?")
TARGET_YEARS = (2030, 2035, 2050)


def report(name: str, lib, held_bodies: tuple[str, ...]) -> None:
    print(f"{name}: {len(lib.declarations)} declarations")
    grid = [(who, verb.format(who, what)) for who in ABSENT for what in TOPICS for verb in VERBS]
    before = sum(lib.ask(q, k=1, narrow=False).found for _, q in grid)
    answers = [lib.ask(q, k=1) for _, q in grid]
    print(f"  absent bodies x topics ({len(grid)}): answered {before} -> {sum(a.found for a in answers)}; "
          f"said missing {sum(a.missing is not None for a in answers)}")
    # A body some declaration may be of (an issuer-less joint statement's opening names it), or no body's name.
    unread = dict.fromkeys(who for (who, _), answer in zip(grid, answers) if answer.missing is None)
    if unread:
        print(f"      not read as missing: {', '.join(unread)}")
    years = {d.year for d in lib.declarations if d.year}
    unheld = [year for year in range(2012, 2026) if year not in years][:3]
    dated = [form.format(who, what, year) for who in held_bodies[:4] for what in TOPICS[:3] for year in unheld
             for form in YEAR_ASKED]
    said = [lib.ask(q, k=1).missing for q in dated]
    print(f"  held bodies x topics x years no text is of ({', '.join(map(str, unheld))}; {len(dated)}): "
          f"said missing {sum(m is not None for m in said)}")
    targets = [YEAR_ASKED[0].format(who, what, year) for who in held_bodies[:4] for what in TOPICS[:3]
               for year in TARGET_YEARS]
    _refusals(lib, "... x years to come", [(q, None) for q in targets])
    held = [verb.format(who, what) for who in held_bodies for what in TOPICS for verb in VERBS]
    _refusals(lib, "held bodies x topics", [(q, None) for q in held])
    for file, asked in questions().items():
        if "x" not in file:
            _refusals(lib, file, asked)


def _refusals(lib, label: str, asked: list[tuple[str, bool | None]]) -> None:
    said = [(q, answerable, lib.ask(q, k=1).missing) for q, answerable in asked]
    missing = [(q, answerable, m) for q, answerable, m in said if m is not None]
    print(f"  {label:<26} {len(asked):>3} questions: said missing {len(missing)} "
          f"(answerable {sum(1 for _, a, _ in missing if a)})")
    for question, answerable, what in missing:
        print(f"      {'answerable' if answerable else 'unanswerable' if answerable is False else 'held'}: "
              f"{question} -> {what}")


def main(argv: list[str] | None = None) -> int:
    for name, lib in declarations_and_whole(__doc__.split("\n\n")[0], argv):
        report(name, lib, HELD if name == "the 11 declarations" else HELD + HELD_WHOLE)
    return 0


if __name__ == "__main__":
    sys.exit(main())

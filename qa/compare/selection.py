"""Which declarations ``qa track`` and ``/track`` follow: issuer and years from each Declaration's metadata.

Unlike a search's issuer filter (qa.search.filters, one issuer exactly), a track's issuer is a
word of the issuer's name ("G7" follows "G7" and "G7 Leaders"), as a topic is followed across
bodies; both spell a UN body the same way (qa.search.filters.issuer_key).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.documents import Declaration
from qa.errors import InvalidOptionError
from qa.search.filters import issuer_key, issuer_names, issuer_unsure, issuers_listed, parties, same_issuer


def _has_word(haystack: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", haystack, flags=re.IGNORECASE) is not None


def _names(haystack: str, issuer: str) -> bool:
    """Whether ``issuer`` is words of ``haystack``, as written or with "UN" written out on both
    sides ("UN General Assembly" names "United Nations General Assembly", "UN" still names "UN"),
    or the same joint issuer in the other order or spelling ("US-Japan" is "Japan-U.S.":
    qa.search.filters.same_issuer)."""
    return (_has_word(haystack, issuer) or _has_word(issuer_key(haystack), issuer_key(issuer))
            or bool(parties(issuer)) and same_issuer(haystack) == same_issuer(issuer))


def issued_by(decl: Declaration, issuer: str) -> bool:
    """True if ``issuer`` names the declaration's issuer ("G7" matches "G7", "the G7 leaders").

    A declaration whose issuer is unknown or guessed (qa.ingest.metadata_guesses) matches when
    its title or doc_id names the issuer, so "G7" finds "G7 Leaders' Statement" in an archive
    without a catalog, and the "Carbis Bay G7 Summit Communiqué" whose opening says "Group of Seven".
    """
    if any(_names(name, issuer) for name in issuer_names(decl)):
        return True  # its issuer, or the speaker its title names (qa.search.filters.issuer_names)
    if not issuer_unsure(decl):
        return False
    return _names(decl.title, issuer) or _has_word(decl.doc_id.replace("-", " "), issuer)


def select(
    declarations: Iterable[Declaration],
    *,
    issuer: str | None = None,
    doc_ids: Iterable[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[Declaration]:
    """The declarations passing every filter given, in their original order.

    A year filter leaves out undated declarations.

    Raises:
        InvalidOptionError: For a year range that is empty (from after to), a non-text issuer, or
            an issuer no declaration is by (naming the library's issuers).
    """
    if issuer is not None and (not isinstance(issuer, str) or not issuer.strip()):
        raise InvalidOptionError(f"issuer must be a name such as 'G7', not {issuer!r}.")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidOptionError(f"year_from {year_from} is after year_to {year_to}; swap them.")
    declarations = list(declarations)
    wanted = None if doc_ids is None else set(doc_ids)
    chosen = []
    for decl in declarations:
        if wanted is not None and decl.doc_id not in wanted:
            continue
        if issuer is not None and not issued_by(decl, issuer.strip()):
            continue
        if (year_from is not None or year_to is not None) and decl.year is None:
            continue
        if year_from is not None and decl.year < year_from or year_to is not None and decl.year > year_to:
            continue
        chosen.append(decl)
    if not chosen and issuer is not None and not any(issued_by(decl, issuer.strip()) for decl in declarations):
        raise InvalidOptionError(f"No declaration is by the issuer {issuer.strip()!r}. The library's issuers are: "
                                 f"{issuers_listed(declarations)}.")
    return chosen

"""Each declaration's language as a build guessed it, so a library does not guess it again on open.

qa.text.language guesses a declaration's language from its opening paragraphs. Over the 425
declarations of the whole ../shared library that took 0.08-0.12 s of the first question of every
fresh ``qa ask`` (docs/performance.md, "A faster cold start on the slower CPU"); a build now writes the guesses
beside the parsed declarations, keyed by the declaration and its file's hash, and a guess is
used only while both are the same.

Example:
    >>> write_languages(folder / LANGUAGES, declarations)
    >>> stored_languages(folder)[(declarations[0].doc_id, declarations[0].sha256)]
    'en'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from qa.documents import Declaration
from qa.text.language import languages

LANGUAGES = "languages.json"


def write_languages(path: Path, declarations: Sequence[Declaration]) -> None:
    """Write ``[doc_id, sha256, language]`` per declaration ("" where none is guessed)."""
    rows = [[d.doc_id, d.sha256, code] for d, code in zip(declarations, languages(declarations))]
    Path(path).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def stored_languages(build: Path | None) -> dict[tuple[str, str], str]:
    """(doc_id, sha256) -> language, as the build guessed them; empty for a build without them (or
    a file that cannot be read: the library then guesses, as it did before builds kept them)."""
    if build is None:
        return {}
    try:
        rows = json.loads((Path(build) / LANGUAGES).read_text(encoding="utf-8"))
        return {(str(doc), str(sha)): str(code) for doc, sha, code in rows}
    except (OSError, ValueError, TypeError):
        return {}

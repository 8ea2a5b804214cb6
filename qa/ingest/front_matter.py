"""Front matter: the YAML block ("---" … "---") that static sites put at the top of a Markdown file.

Read with a real YAML parser (PyYAML's ``safe_load``), so quoting, escapes ("COMMUNIQU\\xC9")
and dates come out as YAML defines them. Title, date, place, issuer, symbol, kind and source URL
are kept as metadata, each under the names static sites and archives give it (:data:`KEYS`);
the block itself is never text.

Example:
    >>> split_front_matter("---\\ntitle: Joint Statement\\ndate: '2021-06-13'\\n---\\nWe met.")
    ({'title': 'Joint Statement', 'date': '2021-06-13'}, 'We met.')
"""

from __future__ import annotations

import datetime as dt
import re

from qa.ingest.kinds import KINDS, normalise_kind

_BLOCK = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Front-matter keys that name the source page, in the order they are preferred.
URL_KEYS = ("source_url", "url", "canonical_url", "link", "source")
#: The front-matter keys read as each metadata field, in the order they are preferred (the first
#: one with a usable value wins; keys are compared case-blind, "-" and " " read as "_"). The
#: date falls back to when the page was published. The issuer is read only from keys that name
#: who issued the text: a site's "author" or "publisher" is whoever put the page up (the White
#: House for a G7 communiqué), and would hide the issuer the opening names ("We, the Leaders of
#: the G7"; qa.ingest.metadata_guesses). "type" is not read as the kind, since static sites use
#: it for their own templates ("type: post").
KEYS = {
    "title": ("title",),
    "date": ("date", "date_issued", "issued", "date_adopted", "adopted", "published", "date_published",
             "published_time", "publish_date", "created"),
    "place": ("place", "location", "city", "venue"),
    "issuer": ("issuer", "issuers", "issued_by", "organization", "organisation"),
    "symbol": ("symbol", "document_symbol"),
    "kind": ("kind", "document_type", "doc_type"),
    "source_url": URL_KEYS,
}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Metadata from a leading front-matter block (the fields of :data:`KEYS`) and the text after it.

    Text without a block, or with a block that is not a YAML mapping, is returned whole with
    no metadata. A value of the wrong shape (a date that is no date, a kind that is not one of
    qa.ingest.kinds.KINDS, a mapping where a name belongs) is passed over for the next key.
    """
    import yaml

    match = _BLOCK.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    given = {re.sub(r"[\s-]+", "_", str(key).strip().lower()): value for key, value in reversed(data.items())}
    fields: dict[str, str] = {}
    for name, keys in KEYS.items():
        read = _iso if name == "date" else _kind if name == "kind" else _name
        value = next((v for key in keys if key in given and (v := read(given[key])) is not None), None)
        if value is not None:
            fields[name] = value
    return fields, text[match.end():]


def _name(value: object) -> str | None:
    """A string, or a list of strings joined ("[Japan, United States]" -> "Japan, United States")."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = ", ".join(v.strip() for v in value if v.strip())
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = " ".join(str(value).replace("\u00a0", " ").split())
        return text or None
    return None


def _kind(value: object) -> str | None:
    kind = normalise_kind(value) if isinstance(value, str) else ""
    return kind if kind in KINDS else None


def _iso(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return None
    return None

"""Front matter: the YAML block ("---" … "---") that static sites put at the top of a Markdown file.

Read with a real YAML parser (PyYAML's ``safe_load``), so quoting, escapes ("COMMUNIQU\\xC9")
and dates come out as YAML defines them. Title, date and source URL are kept as metadata;
the block itself is never text.

Example:
    >>> split_front_matter("---\\ntitle: Joint Statement\\ndate: '2021-06-13'\\n---\\nWe met.")
    ({'title': 'Joint Statement', 'date': '2021-06-13'}, 'We met.')
"""

from __future__ import annotations

import datetime as dt
import re

_BLOCK = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# Front-matter keys that name the source page, in the order they are preferred.
URL_KEYS = ("source_url", "url", "canonical_url", "link", "source")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Metadata from a leading front-matter block (title, date, source_url) and the text after it.

    Text without a block, or with a block that is not a YAML mapping, is returned whole with
    no metadata.
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
    fields: dict[str, str] = {}
    if isinstance(title := data.get("title"), str) and title.strip():
        fields["title"] = " ".join(title.replace("\u00a0", " ").split())
    if (date := _iso(data.get("date"))) is not None:
        fields["date"] = date
    for key in URL_KEYS:
        if isinstance(url := data.get(key), str) and url.strip():
            fields["source_url"] = url.strip()
            break
    return fields, text[match.end():]


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

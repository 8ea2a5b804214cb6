"""The architecture as a test: every import points down the data flow, never up.

Layers, lowest first (README.md, Architecture): embeddings/ never imports qa; inside qa/,
errors, documents, side_threads (the threads a search's side work runs on) and gc_pause (the
collector paused while records are read in bulk) are the base, then ingest, text, search, index, answers, the library,
and at the top the programs that use it (evaluation, web, cli). qa/compare (wordings compared
across declarations) sits beside answers, under the library that offers it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = {
    "embeddings": 0,
    "qa.errors": 1, "qa.documents": 1, "qa.side_threads": 1, "qa.gc_pause": 1,
    "qa.ingest": 2,
    "qa.text": 3,
    "qa.search": 4,
    "qa.index": 5,
    "qa.answers": 6, "qa.compare": 6,
    "qa.library": 7, "qa.library_state": 7, "qa.settings": 2,
    "qa.evaluation": 8, "qa.web": 8,
    "qa.cli": 9, "qa": 9,
}


def _layer(module: str) -> int:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in LAYERS:
            return LAYERS[".".join(parts[:end])]
    raise KeyError(module)


def _modules() -> list[tuple[str, Path]]:
    found = []
    for top in ("qa", "embeddings"):
        for path in sorted((REPO / top).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.append((".".join(parts), path))
    return found


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return [n for n in names if n.split(".")[0] in ("qa", "embeddings")]


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_every_import_points_down(module: str, path: Path) -> None:
    try:
        own = _layer(module)
    except KeyError:
        pytest.fail(f"{module} is in no layer: give its folder a place in LAYERS (and in the README)")
    upward = [name for name in _imports(path) if name != "qa" and _layer(name) > own]
    assert upward == [], f"{module} (layer {own}) imports from a higher layer: {upward}"

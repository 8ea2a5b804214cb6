"""The whole tree passes ruff (pyproject.toml's rules): an undefined name or a broken import in
code that no other test runs, such as a benchmark's rarely used section, fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_tree_passes_ruff() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "qa", "embeddings", "benchmarks", "eval", "tests", "app.py"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

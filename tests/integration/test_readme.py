"""README.md's examples, run: what it shows must be what a user gets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa.errors import CorpusError
from qa.evaluation.shared_data import declarations_dir
from qa.library import Library

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _python_example() -> str:
    return re.search(r"## Python\n\n```python\n(.*?)```", README, re.S).group(1)


def test_the_python_example_runs_and_prints_what_its_comments_say(index_dir: Path, library, tmp_path: Path) -> None:
    """Run in a fresh folder holding corpus/ (as in a checkout), against the session's index."""
    example = _python_example()
    (tmp_path / "corpus").symlink_to(REPO / "corpus")
    env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir())}
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert printed[0] == re.search(r"print\(answer\.found\)\s+# (\w+)", example).group(1)
    assert printed[1] == re.search(r"print\(hit\.citation\)\s+# the first: (.*)", example).group(1)
    assert (tmp_path / "my-index" / "CURRENT").is_file()


def test_the_example_corpus_folder_must_exist_as_the_readme_says(tmp_path: Path, fake_encoder) -> None:
    assert "it does not create it" in _python_example()
    with pytest.raises(CorpusError, match="does not exist"):
        Library.open(tmp_path / "my-declarations", tmp_path / "my-index", encoder=fake_encoder)

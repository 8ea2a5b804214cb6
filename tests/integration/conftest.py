"""Integration fixtures: the real bundled model over the real corpus, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evaluation.shared_data import declarations_dir
from qa.library import Library

REPO = Path(__file__).resolve().parents[2]
#: The eleven declarations the tests ask about, beside the repository (../shared/declarations).
DECLARATIONS = declarations_dir()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qa-index")


@pytest.fixture(scope="session")
def library(index_dir: Path) -> Library:
    if not DECLARATIONS.is_dir():
        pytest.skip("../shared/declarations is absent")
    return Library.open(DECLARATIONS, index_dir)

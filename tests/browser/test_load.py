"""A small run of benchmarks/load.py against the app in a subprocess: every request answered."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.load

LOAD = Path(__file__).resolve().parents[2] / "benchmarks" / "load.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("benchmark_load", LOAD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_concurrent_users_get_every_answer(app_url: str) -> None:
    report = _load_module().run(app_url, users=5, questions=6)
    print(report.summary())
    assert report.errors == []
    assert len(report.latencies) == 30

"""benchmarks.common: where the benchmarks find ../shared, and every script's options."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import common

ROOT = Path(__file__).resolve().parents[2]
#: Every script, with whether it reads the SQuAD file and the declarations.
SCRIPTS = {
    "calibrate_abstention": (True, True), "peers": (True, True), "pool_candidates": (False, True),
    "scale": (False, True), "squad_fusion": (True, True), "squad_highlight": (True, True),
    "squad_rerank": (True, True), "fold_judgments": (False, False), "load": (False, False),
}


def _parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    common.add_data_options(parser)
    return parser.parse_args(list(argv))


def test_shared_is_beside_the_repository_unless_qa_shared_or_the_flag_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv(common.SHARED_ENV, raising=False)
    assert common.shared_dir() == ROOT.parent / "shared"
    monkeypatch.setenv(common.SHARED_ENV, str(tmp_path / "env"))
    assert common.shared_dir() == tmp_path / "env"
    assert common.shared_dir(tmp_path / "flag") == tmp_path / "flag"


def test_the_data_paths_follow_the_shared_folder_and_each_flag_wins(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "squad-v1.1-dev-half-a.json").write_text("{}")
    (tmp_path / "declarations").mkdir()
    args = _parsed("--shared", str(tmp_path))
    assert common.squad_file(args) == tmp_path / "data" / "squad-v1.1-dev-half-a.json"
    assert common.declarations_dir(args) == tmp_path / "declarations"
    other = tmp_path / "other.json"
    other.write_text("{}")
    assert common.squad_file(_parsed("--shared", str(tmp_path), "--squad", str(other))) == other


def test_a_missing_shared_folder_is_one_sentence_naming_the_way_out(tmp_path):
    with pytest.raises(SystemExit, match=r"does not exist: .*QA_SHARED or --shared DIR"):
        common.declarations_dir(_parsed("--shared", str(tmp_path / "nowhere")))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_script_imports_as_a_module_and_offers_the_data_options_it_reads(name, capsys):
    reads_squad, reads_declarations = SCRIPTS[name]
    module = importlib.import_module(f"benchmarks.{name}")
    with pytest.raises(SystemExit) as done:
        module.main(["--help"])
    assert done.value.code == 0
    usage = capsys.readouterr().out
    assert ("--squad" in usage) == reads_squad
    assert ("--declarations" in usage) == reads_declarations
    assert ("--shared" in usage) == (reads_squad or reads_declarations)


def test_a_script_runs_with_python_dash_m_from_the_repository_root():
    done = subprocess.run([sys.executable, "-m", "benchmarks.squad_rerank", "--help"], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--declarations DIR" in done.stdout

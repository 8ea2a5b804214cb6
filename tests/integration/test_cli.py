"""The `qa` command in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.evaluation.shared_data import declarations_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run(index_dir: Path, library):  # library: build the index once before the CLI runs
    def _run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir()), **extra_env}
        return subprocess.run(
            [str(Path(sys.executable).parent / "qa"), *args], capture_output=True, text=True, env=env, timeout=300
        )

    return _run


def test_ask_prints_cited_quotes(run) -> None:
    result = run("ask", "When will the ISAF mission end?")
    assert result.returncode == 0, result.stderr
    assert "[1] NATO, Chicago Summit Declaration, Chicago, 20 May 2012, ¶" in result.stdout
    assert "Answer: " in result.stdout


def test_a_refused_answer_shows_the_nearest_sentence_not_an_answer(run) -> None:
    result = run("ask", "What is the best recipe for banana bread?")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The declarations do not seem to answer this question.")
    assert "    Nearest sentence: " in result.stdout and "Answer: " not in result.stdout


def test_quotes_wrap_at_spaces_only_so_they_copy_verbatim(run) -> None:
    question = ("What did NATO say about NATO-Russia cooperation?", "-k", "1")
    text = json.loads(run("ask", *question, "--json").stdout)["hits"][0]["text"]
    result = run("ask", *question, COLUMNS="55")  # 51 columns: the NATO ¶ broke after "NATO-"
    assert result.returncode == 0, result.stderr
    quoted = [line.removeprefix("    │ ") for line in result.stdout.splitlines() if line.startswith("    │ ")]
    assert " ".join(quoted).split() == text.split()


def test_ask_json_has_the_api_fields(run) -> None:
    result = run("ask", "Georgia membership", "--json", "-k", "2", "--doc", "nato-chicago-summit-2012")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data["found"], bool) and len(data["hits"]) == 2
    hit = data["hits"][0]
    assert hit["doc_id"] == "nato-chicago-summit-2012"
    start, end = hit["highlight"]
    assert hit["text"][start:end] == hit["sentence"]


def test_list_shows_every_declaration(run) -> None:
    result = run("list")
    assert result.returncode == 0, result.stderr
    assert "nato-chicago-summit-2012" in result.stdout and "2012-05-20" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 11


def test_index_summarises(run) -> None:
    result = run("index", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["declarations"] == 11 and summary["paragraphs"] > 500 and not summary["built"]
    assert summary["answer_cosine"] == 0.43  # the 11's off-topic probes stay below the calibrated cosine
    text = run("index")
    assert "Answers by meaning from cosine 0.430 (the calibrated one)." in text.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("ask", "   "), 1, "empty"),
        (("ask", "Georgia", "--doc", "nato-2099"), 1, "Unknown declaration"),
        (("ask", "Georgia", "-k", "0"), 2, "must be 1 or more"),
        (("frobnicate",), 2, "invalid choice"),
        (("--index", "/proc/no-such-dir/index", "ask", "Georgia"), 1, "Cannot create the index folder"),
        (("--corpus", "/no/such/corpus", "list"), 1, "does not exist"),
    ],
)
def test_errors_are_one_sentence_with_the_right_exit_code(run, args, code, message) -> None:
    result = run(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ...]:
    """--corpus and --index options for one small declaration beside a damaged PDF."""
    root = tmp_path_factory.mktemp("small")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "tests" / "fixtures" / "ministerial-communique.txt", corpus)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    return "--corpus", str(corpus), "--index", str(root / "index")


def test_a_damaged_pdf_is_reported_once_and_pypdf_stays_quiet(run, small_corpus) -> None:
    built = run(*small_corpus, "index")
    skipped = built.stderr.splitlines()  # on stderr: stdout holds what was asked for alone
    assert built.returncode == 0 and len(skipped) == 1 and "Skipped " not in built.stdout, built.stderr
    assert skipped[0].startswith("Skipped ") and "broken.pdf: damaged PDF" in skipped[0]
    for _ in range(2):  # every later command reads the corpus again, and says only that
        listed = run(*small_corpus, "list")
        assert listed.returncode == 0 and listed.stderr.splitlines() == skipped, listed.stderr


def test_a_reader_that_stops_reading_ends_the_cli_quietly(index_dir: Path, library) -> None:
    """``qa list | head -1``: the pipe closes early, which is no error to report."""
    env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(declarations_dir())}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "qa"), "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # before it writes: every write meets a closed pipe
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and b"Broken pipe" not in err and b"Traceback" not in err, err


def test_add_speaks_cli_and_names_a_folder(run, small_corpus, tmp_path: Path) -> None:
    existing = run(*small_corpus, "add", str(REPO / "tests" / "fixtures" / "ministerial-communique.txt"))
    assert existing.returncode == 1
    assert existing.stderr == ("qa: error: 'ministerial-communique' is already in the corpus. "
                               "Use qa add --replace to update it.\n")
    folder = run(*small_corpus, "add", str(tmp_path))
    assert folder.returncode == 1
    assert folder.stderr == (f"qa: error: {tmp_path} is a folder; name the declaration files in it instead "
                             f"(for example {tmp_path}/*.txt)\n")

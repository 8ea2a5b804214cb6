"""Tests for qa/cli.py that need no embedding model: option checks and `qa serve` in a subprocess,
and how a hit is printed.

The commands that answer questions need the real model: they are in tests/integration/test_cli.py.
"""

from __future__ import annotations

import argparse
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from qa import cli
from qa.answers.records import Hit

REPO = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT")}
    return {**env, "HF_HUB_OFFLINE": "1", **extra}


def qa(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=REPO, env=_env(**env),
                          capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _one_clean_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", "Georgia", "-k", "0"), "argument -k: must be 1 or more, got 0"),
        (("ask", "Georgia", "-k", "101"), "argument -k: must be 100 or less, got 101"),
        (("ask", "Georgia", "-k", "three"), "argument -k: expected a whole number, got 'three'"),
        (("serve", "--port", "abc"), "argument --port: expected a port number from 1 to 65535, got 'abc'"),
        (("serve", "--port", "70000"), "argument --port: expected a port number from 1 to 65535, got '70000'"),
        (("serve", "--port", "0"), "argument --port: expected a port number from 1 to 65535, got '0'"),
        (("eval", "eval/declarations.jsonl", "--limit", "0"), "argument --limit: must be 1 or more, got 0"),
        (("bench", "--cold-runs", "-1"), "argument --cold-runs: must be 0 or more, got -1"),
    ],
)
def test_every_invalid_option_value_is_a_usage_error(args: tuple[str, ...], message: str) -> None:
    result = qa(*args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("model", "reason"),
    [("/nonexistent", "no such folder"),
     ("bad name!", "Repo id must use alphanumeric chars")],  # sentence-transformers warned about it on a line before
)
def test_a_model_that_cannot_load_is_one_line(tmp_path: Path, model: str, reason: str) -> None:
    result = qa("--index", str(tmp_path / "index"), "--model", model, "ask", "Georgia")
    assert result.returncode == 1
    line = _one_clean_line(result.stderr)
    assert line.startswith(f"qa: error: Cannot load embedding model '{model}': {reason}")


@pytest.mark.parametrize("value", ["abc", "70000"])
def test_a_bad_port_variable_is_one_line_and_a_usage_error(value: str) -> None:
    result = qa("serve", GRADIO_SERVER_PORT=value)
    assert result.returncode == 2
    line = _one_clean_line(result.stderr)
    assert line == f"qa: error: GRADIO_SERVER_PORT must be a port number from 1 to 65535, not '{value}': fix it or unset it."


def test_app_py_checks_the_port_variable_before_gradio_too() -> None:
    result = subprocess.run([sys.executable, "app.py"], cwd=REPO, env=_env(GRADIO_SERVER_PORT="abc"),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "GRADIO_SERVER_PORT must be a port number" in _one_clean_line(result.stderr)


def test_serve_says_where_it_serves_even_over_a_bad_port_variable(tmp_path: Path) -> None:
    """The flag wins over GRADIO_SERVER_PORT (which gradio's import would choke on), and one line says where to go.

    A missing corpus keeps the test fast: the chat still serves, saying why it cannot answer.
    """
    port = _free_port()
    command = [sys.executable, "-m", "qa.cli", "--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "index"),
               "serve", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=REPO, env=_env(GRADIO_SERVER_PORT="abc"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lines = _lines_until(proc, "Serving ", seconds=90)
        assert lines[-1] == f"Serving Declaration QA on http://127.0.0.1:{port}/ (Ctrl+C to stop)\n", lines
        assert "Traceback" not in "".join(lines)
        assert _get(f"http://127.0.0.1:{port}/") == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _lines_until(proc: subprocess.Popen[str], start: str, *, seconds: float) -> list[str]:
    """stderr lines up to the first starting with ``start``; fails after ``seconds`` or at exit."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in proc.stderr:
            lines.put(line)
        lines.put("")  # end of output: the process exited

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while not (seen and seen[-1].startswith(start)):
        try:
            seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            pytest.fail(f"no line starting {start!r} within {seconds} s; stderr so far: {seen}")
        if seen[-1] == "":
            pytest.fail(f"qa serve exited with {proc.wait()}: {seen}")
    return seen


def _get(url: str) -> int:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=5).status_code
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


HYPHENS = ("The parties welcomed the EU-mediated dialogue and the follow-up talks at "
           "https://example.org/a-very-long-address-that-will-not-fit-on-one-line-at-all of the summit.")


def _hit(text: str) -> Hit:
    return Hit(doc_id="x", title="X", date="2024-01-01", place="Here", paragraph="1", text=text,
               highlight=(0, len(text)), score=1.0, citation="X, Here, 1 January 2024, ¶1")


@pytest.mark.parametrize("columns", range(30, 61))
def test_a_printed_quote_wraps_at_spaces_only_so_it_copies_verbatim(monkeypatch, capsys, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    cli._print_hit(1, _hit(HYPHENS), color=False, found=True)
    lines = capsys.readouterr().out.splitlines()
    sentence = [line.strip() for line in lines if line.startswith("    ") and not line.startswith("    │")]
    quote = [line.removeprefix("    │ ") for line in lines if line.startswith("    │ ")]
    assert " ".join(sentence) == f"Answer: {HYPHENS}"  # "EU- mediated" when broken after the hyphen
    assert " ".join(quote) == HYPHENS


@pytest.mark.parametrize(("found", "label", "quote"),
                         [(True, "Answer: ", "\033[1mWe met.\033[0m"), (False, "Nearest sentence: ", "We met.")])
def test_a_refused_answer_labels_its_sentence_as_nearest_not_as_the_answer(capsys, found, label, quote) -> None:
    cli._print_hit(1, _hit("We met."), color=True, found=found)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == [f"    {label}We met.", f"    │ {quote}"]  # and no bold for a refusal


def test_every_command_is_shown_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert [name for name in commands if f"\nqa {name} " not in readme] == []

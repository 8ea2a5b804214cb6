"""Tests for qa/web/address.py: where the web chat listens, checked without importing gradio."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qa.errors import InvalidOptionError
from qa.web.address import DEFAULT_PORT, parse_port, server_address


@pytest.fixture(autouse=True)
def _no_server_environment(monkeypatch) -> None:
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    monkeypatch.delenv("GRADIO_SERVER_PORT", raising=False)


def test_arguments_win_over_the_environment_which_wins_over_the_defaults(monkeypatch) -> None:
    assert server_address() == ("127.0.0.1", DEFAULT_PORT)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8123")
    assert server_address() == ("0.0.0.0", 8123)
    assert server_address("localhost", 9000) == ("localhost", 9000)


def test_an_empty_port_variable_counts_as_unset(monkeypatch) -> None:
    monkeypatch.setenv("GRADIO_SERVER_PORT", "")
    assert server_address() == ("127.0.0.1", DEFAULT_PORT)


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-1", "80.5"])
def test_a_bad_port_variable_is_named_in_the_error(monkeypatch, value: str) -> None:
    monkeypatch.setenv("GRADIO_SERVER_PORT", value)
    with pytest.raises(InvalidOptionError, match=f"GRADIO_SERVER_PORT must be a port number from 1 to 65535, not '{value}'"):
        server_address()


def test_a_port_argument_wins_over_a_bad_port_variable(monkeypatch) -> None:
    monkeypatch.setenv("GRADIO_SERVER_PORT", "abc")
    assert server_address(port=8000) == ("127.0.0.1", 8000)


@pytest.mark.parametrize(("value", "port"), [("1", 1), (" 7860 ", 7860), (65535, 65535)])
def test_parse_port_accepts_1_to_65535(value: object, port: int) -> None:
    assert parse_port(value) == port


@pytest.mark.parametrize("value", ["abc", "", 0, 65536, None])
def test_parse_port_refuses_the_rest(value: object) -> None:
    with pytest.raises(InvalidOptionError, match="expected a port number from 1 to 65535"):
        parse_port(value)


def test_checking_the_address_does_not_import_gradio() -> None:
    code = "import sys, qa.web.address; qa.web.address.server_address(); print('gradio' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr

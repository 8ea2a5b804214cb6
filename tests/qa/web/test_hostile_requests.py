"""Hostile requests against a served app: path traversal, uploads, Host tricks, hostile questions.
Each must get a refusal or a sentence, never a file from outside, a traceback or a 500."""

from __future__ import annotations

import json

import httpx
import pytest


@pytest.fixture(scope="module")
def url(tiny_app_url: str) -> str:
    return tiny_app_url.rstrip("/")


@pytest.mark.parametrize("path", [
    "/gradio_api/file=/etc/passwd", "/gradio_api/file=../../../../etc/passwd", "/file=/etc/passwd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/gradio_api/file=..%2f..%2f..%2fetc%2fpasswd",
    "/static/../../../../etc/passwd", "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd", "/gradio_api/file=qa/library.py",
    "/gradio_api/file=corpus/catalog.toml",
])
def test_no_path_reaches_a_file_outside_what_the_page_serves(url: str, path: str) -> None:
    response = httpx.get(url + path, timeout=30)
    assert "root:x:0:0" not in response.text and "class Library" not in response.text
    assert response.status_code in (400, 403, 404, 405)


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/upload", "/gradio_api/upload/", "/gradio_api/upload?x=1"])
def test_uploads_are_refused(url: str, path: str) -> None:
    response = httpx.post(url + path, files={"files": ("a.txt", b"hello")}, timeout=30)
    assert response.status_code in (403, 413)


@pytest.mark.parametrize(("host", "status"), [
    ("rebind.evil.example", 421), ("127.0.0.1.evil.example", 421), ("localhost.", 421),
    ("127.0.0.1:80@evil.example", 400), ("evil.example\t127.0.0.1", 400), ("127.0.0.1:7860:evil", 400),
    ("[::1]@evil", 400), ("0x7f000001", 421), ("2130706433", 421),
])
def test_host_tricks_are_refused(url: str, host: str, status: int) -> None:
    assert httpx.get(url + "/", headers={"Host": host}, timeout=30).status_code == status


@pytest.mark.parametrize("question", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "$$\\href{javascript:alert(1)}{x}$$", "' OR 1=1 --", "{{7*7}}", "\x00\x01\x02", "\u202e\u2066Georgia",
    "A" * 2001, "Georgia " * 300, "🙂" * 500, "../../etc/passwd",
])
def test_hostile_questions_get_an_answer_or_a_sentence(url: str, question: str, capfd) -> None:
    capfd.readouterr()
    posted = httpx.post(url + "/gradio_api/call/ask", json={"data": [question, 3, None, None, None]}, timeout=60)
    assert posted.status_code == 200
    stream = httpx.get(url + f"/gradio_api/call/ask/{posted.json()['event_id']}", timeout=60).text
    event, data = stream.split("\n")[0], json.loads(stream.split("data: ", 1)[1].split("\n")[0])
    assert event in ("event: complete", "event: error")
    if event == "event: error":
        assert data["error"] and len(data["error"]) < 400
    assert "Traceback" not in capfd.readouterr().err

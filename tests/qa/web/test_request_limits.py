"""Tests for qa/web/request_limits.py, log_limits.py and the Host parsing of host_check.py:
too-large and malformed calls get a JSON error with the right status, nothing a client sends
reaches the log in full, and a Host header must be exactly a host and an optional port."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from qa.web import host_check
from qa.web.log_limits import BoundedLines
from qa.web.request_limits import MAX_BODY_BYTES, RequestLimits

FIFTY_MB = 50 * 2**20


@pytest.fixture(scope="module")
def url(tiny_app_url: str) -> str:
    return tiny_app_url


def _call(url: str, body: bytes) -> tuple[httpx.Response, str | None]:
    """POST to /ask's call route; the event stream's text if the call was taken."""
    posted = httpx.post(url + "gradio_api/call/ask", content=body,
                        headers={"content-type": "application/json"}, timeout=60)
    if posted.status_code != 200:
        return posted, None
    stream = httpx.get(url + f"gradio_api/call/ask/{posted.json()['event_id']}", timeout=60)
    return posted, stream.text


def test_a_50_mb_body_is_refused_with_413_and_a_json_error_and_never_logged(url: str, capfd) -> None:
    capfd.readouterr()
    body = b'{"data": ["' + b"x" * FIFTY_MB + b'"]}'
    response, _ = _call(url, body)
    assert response.status_code == 413
    assert response.json()["error"].startswith(f"The request body is {len(body):,} bytes; the limit is 262,144 bytes.")
    out = capfd.readouterr()
    assert len(out.err) + len(out.out) < 10_000


def test_a_streamed_body_without_a_length_is_cut_at_the_limit(url: str) -> None:
    def chunks():
        for _ in range(100):
            yield b"x" * 100_000

    response = httpx.post(url + "gradio_api/call/ask", content=chunks(), timeout=60)
    assert response.status_code == 413 and "the limit is 262,144 bytes" in response.json()["error"]


def test_ask_with_no_arguments_gets_a_json_error_not_a_traceback_nor_null(url: str, capfd) -> None:
    capfd.readouterr()
    response, _ = _call(url, b'{"data": []}')
    assert response.status_code == 422
    assert response.json() == {"error": (
        "The call to 'ask' takes 8 values in \"data\" (question, k, doc_ids, year_from, year_to, issuer, kind, narrow); "
        "it got 0. Send every value that has no default.")}
    assert "Traceback" not in capfd.readouterr().err


def test_ask_with_only_a_question_answers_with_the_defaults(url: str, capfd) -> None:
    capfd.readouterr()
    response, stream = _call(url, json.dumps({"data": ["Will Georgia become a member of NATO?"]}).encode())
    assert response.status_code == 200 and "event: complete" in stream and '"paragraph": "29"' in stream
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize(("body", "status", "message"), [
    (b"{not json", 400, "not valid JSON"),
    (b'{"data": "Georgia"}', 422, 'a JSON object with a "data" list'),
    (b"[1, 2]", 422, 'a JSON object with a "data" list'),
    (b"\xff\xfe", 400, "not valid JSON"),
])
def test_a_malformed_call_gets_a_json_error_and_its_status(url: str, body: bytes, status: int, message: str) -> None:
    response, _ = _call(url, body)
    assert response.status_code == status and message in response.json()["error"]


def test_a_wrong_value_in_a_full_call_is_a_sentence_not_null(url: str) -> None:
    _, stream = _call(url, json.dumps({"data": [None, 3, None, None, None]}).encode())
    assert "event: error" in stream and "A question must be text" in stream and '"error": null' not in stream


def test_the_page_still_loads_and_the_client_still_answers(url: str) -> None:
    from gradio_client import Client

    assert httpx.get(url).status_code == 200
    assert Client(url, verbose=False).predict("Georgia NATO", api_name="/ask")["hits"]


def test_the_limit_covers_routes_added_beside_gradio() -> None:
    """Another route (the JSON API under /api/) is behind the same middleware."""
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse({"size": len(await request.body())})

    inner = Starlette(routes=[Route("/api/ask", echo, methods=["POST"])], middleware=[Middleware(RequestLimits)])
    client = TestClient(inner, base_url="http://127.0.0.1:7860")
    assert client.post("/api/ask", content=b"x" * 1000).json() == {"size": 1000}
    refused = client.post("/api/ask", content=b"x" * (MAX_BODY_BYTES + 1))
    assert refused.status_code == 413 and refused.headers["content-type"] == "application/json"


def test_log_lines_are_cut_to_a_few_hundred_characters() -> None:
    sink = io.StringIO()
    stream = BoundedLines(sink, limit=500)
    stream.write("short line\n" + "x" * FIFTY_MB + "\n")
    stream.write("y" * 300)
    stream.write("y" * 300 + "\nend\n")
    lines = sink.getvalue().splitlines()
    assert lines[0] == "short line"
    assert lines[1] == "x" * 500 + f" … [{FIFTY_MB - 500:,} characters cut]"
    assert lines[2] == "y" * 500 + " … [100 characters cut]" and lines[3] == "end"


@pytest.mark.parametrize("header", [
    "127.0.0.1:80@evil.example", "127.0.0.1 evil.example", "127.0.0.1:7860/evil", "127.0.0.1:99999",
    "[::1", "[::1]evil", "127.0.0.1:80:90", "evil.example%2f", "",
])
def test_a_host_header_that_is_not_host_and_port_is_refused(header: str) -> None:
    assert host_check.parse_host(header) is None
    inner = Starlette(routes=[Route("/", lambda request: JSONResponse("ok"))],
                      middleware=[Middleware(host_check.HostCheck, allowed_hosts=host_check.allowed_hosts("127.0.0.1", ""))])
    refused = TestClient(inner).get("/", headers={"host": header})
    assert refused.status_code == 400 and "Malformed Host header" in refused.text


@pytest.mark.parametrize(("header", "host"), [
    ("127.0.0.1:7860", "127.0.0.1"), ("LOCALHOST", "localhost"), ("[::1]:7860", "::1"), ("qa.internal", "qa.internal"),
])
def test_a_host_and_optional_port_is_parsed(header: str, host: str) -> None:
    assert host_check.parse_host(header) == host


def test_the_server_refuses_the_userinfo_trick(url: str) -> None:
    assert httpx.get(url, headers={"Host": "127.0.0.1:80@evil.example"}).status_code == 400


def test_the_chat_pages_own_calls_may_carry_a_long_history_but_not_more(url: str) -> None:
    """queue/join carries the chat history (about 7 kB a turn): 1.5 MB passes the size check, 4.5 MB does not."""
    history = [{"role": "assistant", "content": "x" * 1500}] * 1000
    body = json.dumps({"data": ["Georgia", history], "fn_index": 0, "session_hash": "abc"}).encode()
    assert 2**20 < len(body) < 2 * 2**20
    taken = httpx.post(url + "gradio_api/queue/join", content=body, headers={"content-type": "application/json"}, timeout=60)
    assert taken.status_code != 413
    too_long = httpx.post(url + "gradio_api/queue/join", content=body * 3, headers={"content-type": "application/json"}, timeout=60)
    assert too_long.status_code == 413 and "the limit is 2,097,152 bytes" in too_long.json()["error"]

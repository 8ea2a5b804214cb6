"""The web shell: host check, launch settings, and the /ask endpoint of an app served in-process."""

from __future__ import annotations

import socket

import httpx
import pytest
from gradio_client import Client
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from qa.web import app, host_check

HIT_FIELDS = {"doc_id", "title", "date", "place", "paragraph", "text", "highlight", "score", "citation"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("header", "host"),
    [("127.0.0.1:7860", "127.0.0.1"), ("LOCALHOST", "localhost"), ("[::1]:7860", "::1"),
     ("evil.example:80", "evil.example"), ("", ""), ("[::1", "[::1")],
)
def test_hostname_of_a_host_header(header: str, host: str) -> None:
    assert host_check._hostname(header) == host


def test_allowed_hosts_are_loopback_the_served_host_and_extras() -> None:
    assert host_check.allowed_hosts("127.0.0.1", "") == {"localhost", "127.0.0.1", "::1"}
    assert "qa.internal" in host_check.allowed_hosts("qa.internal", "")
    assert "0.0.0.0" not in host_check.allowed_hosts("0.0.0.0", "")
    assert "box.lan" in host_check.allowed_hosts("0.0.0.0", " box.lan, ")


def test_host_check_refuses_foreign_hosts_and_uploads() -> None:
    inner = Starlette(routes=[Route("/{path:path}", lambda request: PlainTextResponse("ok"), methods=["GET", "POST"])],
                      middleware=[Middleware(host_check.HostCheck, allowed_hosts=host_check.allowed_hosts("127.0.0.1", ""))])
    client = TestClient(inner, base_url="http://127.0.0.1:7860")
    assert client.get("/").text == "ok"
    refused = client.get("/", headers={"host": "rebind.evil.example:7860"})
    assert refused.status_code == 421 and "Unknown Host header" in refused.text
    assert client.post("/gradio_api/upload").status_code == 403


def test_a_corpus_that_cannot_be_read_becomes_a_chat_that_says_why(tmp_path, monkeypatch) -> None:
    built = {}
    monkeypatch.setattr(app, "build_app", lambda library, **kwargs: built.update(library=library, **kwargs))
    app.open_app(tmp_path / "missing", tmp_path / "index")
    assert built["library"] is None
    assert built["unavailable"].startswith("The declarations could not be loaded: ")


@pytest.mark.parametrize(("k", "expected"), [(3, 3), (0, 1), (9, 5), ("x", 3), (2.0, 2)])
def test_filters_from_the_page_keep_k_in_range(k, expected: int) -> None:
    assert app._filters(None, "2012", None, k) == app.Filters((), 2012, None, expected)


@pytest.fixture(scope="module")
def url(tiny_app_url: str) -> str:
    return tiny_app_url


@pytest.fixture(scope="module")
def client(url: str) -> Client:
    return Client(url, verbose=False)


def test_ask_endpoint_returns_the_answer_as_json(client: Client) -> None:
    result = client.predict("Will Georgia become a member of NATO?", api_name="/ask")
    assert result["found"] is True
    best = result["hits"][0]
    assert HIT_FIELDS <= set(best)
    assert (best["doc_id"], best["paragraph"]) == ("nato-2012", "29")
    start, end = best["highlight"]
    assert "Georgia will become a member of NATO" in best["text"][start:end]
    assert best["citation"].endswith("¶29")


def test_ask_endpoint_takes_filters(client: Client) -> None:
    result = client.predict("Georgia", k=1, doc_ids=["asean-2024"], api_name="/ask")
    assert [h["doc_id"] for h in result["hits"]] == ["asean-2024"]
    result = client.predict("Georgia", k=2, doc_ids="asean-2024", year_from=2024, api_name="/ask")
    assert [h["doc_id"] for h in result["hits"]] == ["asean-2024", "asean-2024"]


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "The question is empty"), ("x" * 100_000, "limit is 2,000"), ("\u202e\u200f\x00", "The question is empty")],
)
def test_ask_endpoint_answers_bad_input_with_a_sentence(client: Client, question: str, message: str) -> None:
    with pytest.raises(Exception, match=message):
        client.predict(question, api_name="/ask")
    assert client.predict("Georgia NATO", api_name="/ask")["hits"]  # and keeps going


def test_a_callers_mistake_leaves_no_traceback_in_the_server_log(client: Client, capfd) -> None:
    capfd.readouterr()
    for question, options in (("", {}), ("Georgia", {"doc_ids": ["nato-2021"]}), ("Georgia", {"k": 0})):
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's AppError; the sentence is tested above
            client.predict(question, **options, api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err


def test_ask_endpoint_names_an_unknown_declaration(client: Client) -> None:
    with pytest.raises(Exception, match="Unknown declaration 'nato-2021'"):
        client.predict("Georgia", doc_ids=["nato-2021"], api_name="/ask")


def test_ask_endpoint_tolerates_control_characters_and_bidi_marks(client: Client) -> None:
    result = client.predict("\x07Will \u202eGeorgia\u2066 become a member of NATO?", api_name="/ask")
    assert result["hits"][0]["paragraph"] == "29"


def test_server_refuses_foreign_host_headers_and_uploads(url: str) -> None:
    assert httpx.get(url).status_code == 200
    assert httpx.get(url, headers={"Host": "rebind.evil.example"}).status_code == 421
    upload = httpx.post(url + "gradio_api/upload", files={"files": ("a.txt", b"hello")})
    assert upload.status_code == 403


def test_only_ask_is_a_public_endpoint(client: Client) -> None:
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/ask"]


def test_an_app_without_a_library_says_why() -> None:
    demo = app.build_app(None, unavailable="The declarations could not be loaded: no corpus.")
    port = _free_port()
    demo.launch(**app.launch_options("127.0.0.1", port), prevent_thread_lock=True)
    try:
        with pytest.raises(Exception, match="could not be loaded: no corpus"):
            Client(f"http://127.0.0.1:{port}/", verbose=False).predict("Georgia?", api_name="/ask")
    finally:
        demo.close()

"""The JSON API (qa.web.api) on a running app with the fake encoder: ordinary requests, errors,
limits and the Host check, then schemathesis over its OpenAPI schema."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from qa.library import Library
from qa.web import app

REUSED = ("We call on China to respect human rights and fundamental freedoms, especially in relation to "
          "Xinjiang, and we remain concerned about the situation in the East and South China Seas.")


def _passages() -> list[dict]:
    conftest = importlib.util.spec_from_file_location("tests_root_conftest", Path(__file__).parents[2] / "conftest.py")
    module = importlib.util.module_from_spec(conftest)
    conftest.loader.exec_module(module)
    extra = [
        {"doc_id": "g7-2021", "paragraph": "49", "text": REUSED, "date": "2021-06-13", "issuer": "G7", "title": "Carbis Bay"},
        {"doc_id": "g7-2024", "paragraph": "12", "text": REUSED.replace("Xinjiang", "Xinjiang and Tibet"),
         "date": "2024-06-14", "issuer": "G7", "title": "Apulia"},
    ]
    return list(module.TINY_PASSAGES) + extra, module.FakeEncoder()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def url():
    passages, encoder = _passages()
    demo = app.build_app(Library.from_passages(passages, encoder=encoder))
    demo.queue(max_size=app.QUEUE_SIZE, default_concurrency_limit=app.RENDER_CONCURRENCY)
    port = _free_port()
    demo.launch(**app.launch_options("127.0.0.1", port, routes=demo.qa_routes), prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}"
    demo.close()


def get(url: str, path: str, **params) -> httpx.Response:
    return httpx.get(url + path, params=params, timeout=30)


def test_ask_and_search(url: str) -> None:
    answer = get(url, "/api/ask", q="Will Georgia become a member of NATO?").json()
    assert answer["found"] is True and answer["hits"][0]["paragraph"] == "29"
    hits = get(url, "/api/search", q="Georgia", k=2, issuer="NATO").json()["hits"]
    assert {h["doc_id"] for h in hits} == {"nato-2012"}
    in_may = get(url, "/api/search", q="Georgia", k=2, year_from="2012-05", year_to="2012-05").json()["hits"]
    assert {h["doc_id"] for h in in_may} == {"nato-2012"}  # a month, as the library's filters take it
    june = get(url, "/api/search", q="Georgia", year_from="2012-06", year_to="2012-06")
    assert june.status_code == 400 and "No declaration matches June 2012" in june.json()["error"]
    bad = get(url, "/api/ask", q="Georgia", year_from="2012-13")
    assert bad.status_code == 400 and "a month such as 2024-03" in bad.json()["error"]


def test_ask_and_search_take_a_kind_and_narrowing_and_refuse_a_parameter_they_do_not_take(url: str) -> None:
    assert get(url, "/api/ask", q="What did the G7 say about Xinjiang?").json()["narrowed"]["as"] == "issuer G7"
    assert get(url, "/api/ask", q="What did the G7 say about Xinjiang?", narrow="false").json()["narrowed"] is None
    unknown = get(url, "/api/search", q="Georgia", kind="treaty")
    assert unknown.status_code == 400 and "No declaration has the kind 'treaty'" in unknown.json()["error"]
    for path in ("/api/ask", "/api/search"):
        typo = get(url, path, q="Georgia", narow="false")
        assert typo.status_code == 400, path
        assert typo.json()["error"].startswith(f"{path} takes no parameter 'narow'; it takes: ")


def test_track_and_precedents(url: str) -> None:
    timeline = get(url, "/api/track", topic="Xinjiang", issuer="G7").json()
    assert [e["doc_id"] for e in timeline["entries"]] == ["g7-2021", "g7-2024"]
    change = timeline["entries"][1]["diff"]["changes"][0]
    assert "Tibet" in change["new_text"] and change["kind"] == "added" and change["old_text"] == ""
    named = get(url, "/api/track", topic="What did the G7 say about Xinjiang?").json()  # narrows as /ask would
    assert named["narrowed_as"] == "issuer G7" and [e["doc_id"] for e in named["entries"]] == ["g7-2021", "g7-2024"]
    wide = get(url, "/api/track", topic="What did the G7 say about Xinjiang?", narrow="false").json()
    assert wide["narrowed"] is None and len(wide["entries"]) > 2
    found = get(url, "/api/precedents", doc_id="g7-2024", paragraph="12").json()["precedents"]
    assert [(p["doc_id"], p["paragraph"]) for p in found] == [("g7-2021", "49")]
    assert get(url, "/api/precedents", text=REUSED, before="2022").json()["precedents"][0]["reused"] == 1.0


@pytest.mark.parametrize("path,params,status,needle", [
    ("/api/ask", {"q": " ?! "}, 400, "empty"),
    ("/api/ask", {"q": ""}, 422, "q"),
    ("/api/ask", {"q": "Georgia", "doc_id": "nope"}, 404, "nope"),
    ("/api/ask", {"q": "Georgia", "k": "0"}, 422, "k"),
    ("/api/ask", {}, 422, "q"),
    ("/api/track", {"topic": "Xinjiang", "issuer": "Nobody"}, 400, "No declaration is by the issuer 'Nobody'"),
    ("/api/precedents", {}, 400, "Give text"),
    ("/api/precedents", {"doc_id": "g7-2024", "paragraph": "99"}, 404, "no paragraph"),
    ("/api/precedents", {"text": "x", "before": "soon"}, 422, "before"),
    ("/api/diff", {"old": "g7-2021", "new": "nope"}, 404, "nope"),
    ("/api/nothing-here", {}, 404, "Not Found"),
])
def test_errors_are_json_with_a_status(url, path, params, status, needle) -> None:
    response = get(url, path, **params)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status and needle in body["error"]
    assert "Traceback" not in response.text


def test_size_limits(url: str) -> None:
    import http.client
    import json
    from urllib.parse import urlsplit

    host = urlsplit(url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    conn.request("GET", "/api/precedents?text=" + "word+" * 20_000)  # 100 KB: httpx refuses to send it
    response = conn.getresponse()
    assert response.status == 414 and "shorter" in json.loads(response.read())["error"]
    conn.close()
    response = httpx.request("GET", url + "/api/ask", params={"q": "x"}, content=b"x" * 20_000, timeout=30)
    assert response.status_code == 413


def test_the_host_check_covers_the_api(url: str) -> None:
    response = httpx.get(url + "/api/ask", params={"q": "Georgia"}, headers={"Host": "evil.example"}, timeout=30)
    assert response.status_code == 421


def test_openapi_schema_documents_every_endpoint(url: str) -> None:
    schema = get(url, "/api/openapi.json").json()
    assert {"/search", "/ask", "/track", "/precedents", "/diff"} <= set(schema["paths"])
    assert "400" in schema["paths"]["/ask"]["get"]["responses"]


@pytest.fixture(scope="module")
def api_schema(url: str):
    schema = schemathesis.openapi.from_url(url + "/api/openapi.json")
    schema.config.update(base_url=url + "/api")
    return schema


def test_schemathesis(api_schema) -> None:
    """Generated requests for every operation: no 5xx, status codes, content types and bodies as documented.

    Driven through hypothesis directly: schemathesis' pytest plugin does not run on this pytest.
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 5
    for operation in operations:
        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=20, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        def check(case) -> None:
            # A schema-valid request may still be refused with 400 for what only the library can
            # judge (a question of punctuation only, year_from after year_to, text and doc_id both).
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()

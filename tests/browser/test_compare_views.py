"""The chat's comparison views in headless Chromium over real G7 texts: a timeline with marked
changes, a "Where else was this said?" list, a shared paragraph link, a shared question link and
"copy citation". Screenshots: test-output/browser-compare-*.png."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("QA_SHARED") or REPO.parent / "shared")
ARCHIVE = SHARED / "archive" / "white-house-joint-statements-2021-2022"
OUTPUT = REPO / "test-output"
STARTUP_SECONDS = 900  # the model's first load plus ~550 paragraphs on 2 busy cores
UN = SHARED / "archive" / "un-ga-78"
# Two UN resolutions financing closed peacekeeping missions: most paragraphs reused with edits
# ("Operation" -> "Mission", the paragraph numbers), found by benchmarks/precedents.py's labels.
RESOLUTIONS = ["A_RES_78_299", "A_RES_78_303"]
OWED_CREDITS = "Member States that are owed credits apply those credits to any accounts with outstanding assessed contributions"
# Three 2022 G7 statements of the archive, between Carbis Bay 2021 and Apulia 2024.
STATEMENTS = {
    "2022-03-24-g7-leaders-statement": ("G7 Leaders’ Statement, Brussels", "2022-03-24"),
    "2022-05-08-g7-leaders-statement-2": ("G7 Leaders’ Statement, 8 May", "2022-05-08"),
    "2022-12-12-g7-leaders-statement-4": ("G7 Leaders’ Statement, 12 December", "2022-12-12"),
}


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    tables = []
    for doc_id in ("g7-2021-carbis-bay", "g7-2024-apulia"):
        shutil.copy(SHARED / "declarations" / f"{doc_id}.txt", folder)
    for doc_id, (title, date) in STATEMENTS.items():
        shutil.copy(ARCHIVE / f"{doc_id}.md", folder)
        tables.append(f'[{json.dumps(doc_id)}]\ntitle = {json.dumps(title)}\ndate = "{date}"\nissuer = "G7"\n')
    for doc_id in RESOLUTIONS:
        shutil.copy(UN / f"{doc_id}.pdf", folder)
    catalog = (REPO / "eval" / "shared-declarations.catalog.toml").read_text(encoding="utf-8")
    keep = [block for block in catalog.split("\n[") if block.lstrip("[").startswith(('"g7-2021', '"g7-2024'))]
    (folder / "catalog.toml").write_text("\n".join("[" + b.lstrip("[") for b in keep) + "\n" + "\n".join(tables))
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def g7_url(tmp_path_factory):
    if not ARCHIVE.is_dir() or not UN.is_dir():
        pytest.skip(f"{ARCHIVE} or {UN} is absent")
    root = tmp_path_factory.mktemp("compare-app")
    OUTPUT.mkdir(exist_ok=True)
    port = _free_port()
    env = {**os.environ, "QA_CORPUS": str(_corpus(root / "corpus")), "QA_INDEX": str(root / "index"),
           "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    log = (OUTPUT / "browser-compare-server.log").open("w")
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert proc.poll() is None, (OUTPUT / "browser-compare-server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the app did not start"
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


@pytest.fixture
def g7_page(browser, g7_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=g7_url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def test_timeline_marks_insertions_and_deletions(g7_page, g7_url) -> None:
    g7_page.goto(g7_url + "?track=China&issuer=G7")
    view = g7_page.locator("#qa-track-view .qa-track")
    view.wait_for()
    entries = view.locator(".qa-entry")
    assert entries.count() == 5
    assert view.locator(".qa-entry ins").count() > 0 and view.locator(".qa-entry del").count() > 0
    view.locator(".qa-entry details.qa-changes summary").first.click()  # G7 quotes share little: folded
    assert view.locator(".qa-silent").count() >= 1  # a 2022 statement says nothing on China
    dates = [e.inner_text() for e in view.locator(".qa-when").all()]
    assert dates == sorted(dates)
    g7_page.screenshot(path=str(OUTPUT / "browser-compare-timeline.png"), full_page=False)
    view.locator("a.qa-full-link").first.click()  # a citation opens the declaration at its paragraph
    g7_page.locator("#qa-declaration-view .qa-focus").wait_for()


def test_where_else_was_this_said(g7_page, g7_url) -> None:
    g7_page.goto(g7_url + "?q=" + OWED_CREDITS)
    answer = g7_page.locator("#qa-chat .qa-answer").first
    answer.wait_for()
    assert "owed credits" in answer.locator(".qa-best blockquote").inner_text()
    answer.locator(".qa-best a.qa-where-link").click()
    panel = g7_page.locator("#qa-context-panel .qa-precedents")
    panel.wait_for()
    first = panel.locator(".qa-precedent").first
    assert "A/RES/78/" in first.inner_text() or "A_RES_78_" in first.inner_text() or "Resolution" in first.inner_text()
    assert panel.locator("mark").count() >= 1
    assert int(first.locator("strong").inner_text().rstrip("%")) >= 80
    g7_page.screenshot(path=str(OUTPUT / "browser-compare-precedents.png"))


def test_where_else_from_the_timeline_opens_the_ask_tab(g7_page, g7_url) -> None:
    g7_page.goto(g7_url + "?track=China&issuer=G7")
    g7_page.locator("#qa-track-view a.qa-where-link").first.click()
    g7_page.locator("#qa-context-panel .qa-precedents").wait_for()
    assert g7_page.locator("#qa-chat").is_visible()


def test_a_shared_paragraph_link_opens_the_full_view_there(g7_page, g7_url) -> None:
    g7_page.goto(g7_url + "?doc=g7-2024-apulia&p=30")
    focus = g7_page.locator("#qa-declaration-view .qa-focus")
    focus.wait_for()
    assert focus.get_attribute("id") == "qa-g7_2d_2024_2d_apulia--30"
    g7_page.wait_for_timeout(800)  # the scroll
    box = focus.bounding_box()
    assert box is not None and -2 <= box["y"] < 1100  # scrolled into view (sub-pixel above the top is fine)
    g7_page.screenshot(path=str(OUTPUT / "browser-compare-paragraph-link.png"))


@pytest.mark.parametrize(("query", "said"), [
    ("?doc=nope&p=1", "This link names a declaration this library does not hold ('nope')"),
    ("?doc=g7-2024-apulia&p=9999", "This link names a paragraph g7-2024-apulia does not have ('9999')"),
])
def test_a_shared_link_to_nothing_here_says_so(g7_page, g7_url, query: str, said: str) -> None:
    g7_page.goto(g7_url + query)
    expect(g7_page.locator("#qa-chat .qa-error")).to_contain_text(said)


def test_a_shared_declaration_link_without_a_paragraph_opens_it(g7_page, g7_url) -> None:
    g7_page.goto(g7_url + "?doc=g7-2024-apulia")
    g7_page.locator("#qa-declaration-view .qa-focus").wait_for()


def test_copy_citation_gives_the_citation_and_its_link(g7_page, g7_url) -> None:
    g7_page.goto(g7_url + "?q=" + "What did the G7 say about Xinjiang?")
    g7_page.locator("#qa-chat .qa-answer").first.wait_for()
    g7_page.locator("#qa-chat .qa-best a.qa-copy").click()
    copied = g7_page.evaluate("window.__qaCopied")
    assert "G7" in copied and "?doc=" in copied and "&p=" in copied
    assert g7_page.evaluate("navigator.clipboard.readText()") == copied

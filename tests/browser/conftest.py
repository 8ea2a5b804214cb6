"""A real app in a subprocess (bundled model, a small corpus with one hostile declaration) and
headless Debian Chromium driven by Playwright. Screenshots go to test-output/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from qa.evaluation.shared_data import declarations_dir

REPO = Path(__file__).resolve().parents[2]
SHARED_CATALOG = REPO / "eval" / "shared-declarations.catalog.toml"
OUTPUT = REPO / "test-output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# The model's first load plus indexing ~230 paragraphs on 2 busy cores.
STARTUP_SECONDS = 420
# The 1776 text is hard-wrapped at 72 columns: the chat must reflow it.
KEPT = ["nato-chicago-summit-2012", "un-2007-undrip", "us-1776-declaration-of-independence"]
# Anything fetched from this host means hostile markup came alive (127.0.0.9 is loopback:
# even a failing test sends nothing off the machine, and the route below aborts it anyway).
EVIL = "http://127.0.0.9:9"
HOSTILE_DOC = "widgets-2020"
HOSTILE_TEXT = f"""Widgets Declaration

1. Widgets matter to all parties. <script>window.__pwned = 1</script> The parties agreed that common widget standards serve everyone.

2. Widget safety was discussed at length. <img src="{EVIL}/evil.png" onerror="window.__pwned = 2"> The parties agreed on common widget safety rules.

3. Widget reports must never load images such as ![pixel]({EVIL}/pixel.png) or follow links such as [click](javascript:window.__pwned=3).
"""
HOSTILE_META = {
    "title": f"Widgets <b>Declaration</b> ![t]({EVIL}/title.png)",
    "date": "2020-01-01",
    "place": "Testville",
    "issuer": "Widget <i>Council</i>",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _toml_table(name: str, values: dict[str, str]) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return f"[{json.dumps(name)}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())


def make_corpus(folder: Path) -> Path:
    """Three real declarations and one whose text and metadata are hostile markup."""
    folder.mkdir(parents=True, exist_ok=True)
    catalog = tomllib.loads(SHARED_CATALOG.read_text(encoding="utf-8"))
    tables = []
    for doc_id in KEPT:
        shutil.copy(declarations_dir() / f"{doc_id}.txt", folder / f"{doc_id}.txt")
        tables.append(_toml_table(doc_id, catalog[doc_id]))
    (folder / f"{HOSTILE_DOC}.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    tables.append(_toml_table(HOSTILE_DOC, HOSTILE_META))
    (folder / "catalog.toml").write_text("\n".join(tables), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by `python app.py` in a subprocess, on a free port."""
    root = tmp_path_factory.mktemp("browser-app")
    OUTPUT.mkdir(exist_ok=True)
    port = _free_port()
    env = {**os.environ, "QA_CORPUS": str(make_corpus(root / "corpus")), "QA_INDEX": str(root / "index"),
           "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    log = (OUTPUT / "browser-server.log").open("w")
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_until_up(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (OUTPUT / "browser-server.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"the app exited with code {proc.returncode}:\n{tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"the app did not answer at {url} within {STARTUP_SECONDS} s")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Requests:
    """Every URL the page asked for, and those aimed anywhere but the app (aborted)."""

    def __init__(self, app_url: str) -> None:
        self.origin = urlsplit(app_url).netloc
        self.seen: list[str] = []
        self.foreign: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        self.seen.append(url)
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).netloc == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@pytest.fixture
def requests_seen(app_url: str) -> Requests:
    return Requests(app_url)


@pytest.fixture
def page(browser, app_url: str, requests_seen: Requests):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", requests_seen.route)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    page.wait_for_selector("#qa-question textarea")
    yield page
    context.close()


@pytest.fixture
def shot(page):
    """shot(name): save the page as test-output/browser-<name>.png."""

    def take(name: str) -> Path:
        path = OUTPUT / f"browser-{name}.png"
        page.screenshot(path=str(path))
        return path

    return take


@pytest.fixture
def ask(page):
    """ask(question): type it, press Ask, and return the locator of the reply."""

    def send(question: str, *, press_enter: bool = False):
        replies = page.locator("#qa-chat .qa-answer, #qa-chat .qa-error")
        before = replies.count()
        box = page.locator("#qa-question textarea")
        box.fill(question)
        if press_enter:
            box.press("Enter")
        else:
            page.click("#qa-send")
        page.wait_for_function(
            "n => document.querySelectorAll('#qa-chat .qa-answer, #qa-chat .qa-error').length > n", arg=before
        )
        return replies.nth(before)

    return send

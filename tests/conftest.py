"""Shared fixtures: a deterministic fake encoder and a tiny hand-written corpus."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

_WORD = re.compile(r"[a-z0-9]+")
#: The catalog of the test data in ../shared/declarations (it cannot hold one of its own).
SHARED_CATALOG = Path(__file__).resolve().parents[1] / "eval" / "shared-declarations.catalog.toml"


def pytest_configure(config) -> None:
    """Every library the tests open over ../shared/declarations, in this process or a subprocess,
    gets that folder's catalog, as `qa --catalog` would give it; and the user's ONNX export cache
    (embeddings.export.user_cache) is a folder of this run's, not the home folder's."""
    os.environ.setdefault("QA_CATALOG", str(SHARED_CATALOG))
    if "QA_EXPORT_CACHE" not in os.environ:
        config._qa_export_cache = tempfile.mkdtemp(prefix="qa-test-export-cache-")
        os.environ["QA_EXPORT_CACHE"] = config._qa_export_cache


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_qa_export_cache", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class FakeEncoder:
    """Hashed bag-of-words unit vectors: deterministic, offline, and lexically meaningful.

    Texts sharing words get positive cosine similarity, so ranking tests mean something.
    """

    name = "fake:hashed-bow-64"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[int] = []  # batch sizes seen, so tests can check caching

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.sha256(word.encode()).digest()
            vec[digest[0] % self.dimension] += 1.0 if digest[1] % 2 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0
            return vec
        return vec / norm

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


TINY_PASSAGES = [
    {"doc_id": "nato-2012", "paragraph": "5", "title": "Chicago Summit Declaration",
     "date": "2012-05-20", "place": "Chicago",
     "text": "Today we have taken important steps in Afghanistan. The transition of security "
             "responsibility from ISAF to the Afghan forces is on track for completion by the end of 2014."},
    {"doc_id": "nato-2012", "paragraph": "29", "title": "Chicago Summit Declaration",
     "date": "2012-05-20", "place": "Chicago",
     "text": "At the 2008 Bucharest Summit we agreed that Georgia will become a member of NATO. "
             "We welcome Georgia's progress towards meeting its goals."},
    {"doc_id": "nato-2012", "paragraph": "36", "title": "Chicago Summit Declaration",
     "date": "2012-05-20", "place": "Chicago",
     "text": "NATO-Russia cooperation is of strategic importance. We remain concerned about "
             "Russia's military presence."},
    {"doc_id": "asean-2024", "paragraph": "43", "title": "Chairman's Statement of the 27th ASEAN-China Summit",
     "date": "2024-10-10", "place": "Vientiane",
     "text": "We discussed the situation in the South China Sea. We reaffirmed the importance of "
             "freedom of navigation and overflight."},
    {"doc_id": "asean-2024", "paragraph": "8", "title": "Chairman's Statement of the 27th ASEAN-China Summit",
     "date": "2024-10-10", "place": "Vientiane",
     "text": "Telecommunication network fraud and online gambling crimes have become a regional nuisance. "
             "We agreed to strengthen law enforcement cooperation against them."},
]


@pytest.fixture
def tiny_passages() -> list[dict[str, str]]:
    return [dict(p) for p in TINY_PASSAGES]


# APEC's opening, which names APEC again and again, and its paragraph on fossil fuel subsidies: a
# question narrowed to APEC must not be pulled to the first by "APEC" alone.
APEC_PASSAGES = [
    {"doc_id": "apec-2023", "paragraph": "1", "issuer": "APEC", "date": "2023-11-17", "title": "Golden Gate Declaration",
     "text": "We, the Economic Leaders of APEC, met as APEC. The APEC hosts thank APEC members."},
    {"doc_id": "apec-2023", "paragraph": "7", "issuer": "APEC", "date": "2023-11-17", "title": "Golden Gate Declaration",
     "text": "We recall our commitment to phase out inefficient fossil fuel subsidies."},
]


@pytest.fixture
def apec_passages() -> list[dict[str, str]]:
    """:data:`APEC_PASSAGES`, fresh for each test."""
    return [dict(p) for p in APEC_PASSAGES]


@pytest.fixture
def apec_and_haiti_passages(apec_passages) -> list[dict[str, str]]:
    """APEC's two paragraphs and a G7 one on Haiti, a topic no APEC paragraph names."""
    return [*apec_passages, {"doc_id": "g7-2024", "paragraph": "1", "issuer": "G7", "date": "2024-06-14",
                             "title": "Communiqué", "text": "We support the people of Haiti."}]


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")


class FakeTagger:
    """Named entities by rule, offline and instant: years are DATE, other numbers CARDINAL,
    a capitalised run inside a sentence ORG. The same shape as qa.text.entities.EntityTagger,
    so unit tests build libraries without loading spaCy (the real tagger runs in tests/qa/text
    and in the integration tests)."""

    def __init__(self, cache_folder=None) -> None:
        self.tagged_count = 0

    def tag(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        self.tagged_count += len(texts)
        return [self._entities(text) for text in texts]

    @staticmethod
    def _entities(text: str) -> list[tuple[str, str]]:
        found = [(m.start(), "DATE", m.group()) for m in _YEAR.finditer(text)]
        years = {start for start, _, _ in found}
        found += [(m.start(), "CARDINAL", m.group()) for m in _NUMBER.finditer(text) if m.start() not in years]
        found += [(m.start(), "ORG", m.group()) for m in _NAME.finditer(text)]
        return [(label, name) for _, label, name in sorted(found)]

    def save(self) -> None:
        """Nothing to keep."""


@pytest.fixture(autouse=True)
def _fake_entities(request, monkeypatch) -> None:
    """Unit tests tag with FakeTagger; integration, browser and load tests, and a test marked
    ``real_entities``, run spaCy's real tagger."""
    if any(request.node.get_closest_marker(m) for m in ("integration", "browser", "load", "real_entities")):
        return
    monkeypatch.setattr("qa.text.entities.EntityTagger", FakeTagger)
    monkeypatch.setattr("qa.search.retrieval.EntityTagger", FakeTagger)


@pytest.fixture(scope="module")
def tiny_app_url():
    """The web app over TINY_PASSAGES and the fake encoder, served for one test module on a free port."""
    import socket

    from qa.library import Library
    from qa.web import app

    demo = app.build_app(Library.from_passages(TINY_PASSAGES, encoder=FakeEncoder()))
    demo.queue(max_size=app.QUEUE_SIZE, default_concurrency_limit=app.RENDER_CONCURRENCY)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo.launch(**app.launch_options("127.0.0.1", port), prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()

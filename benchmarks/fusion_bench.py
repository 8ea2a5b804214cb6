"""Data, cached embeddings, per-question signal matrices and metrics for benchmarks/squad_fusion.py."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.search.lexical import tokenize
from qa.search.retrieval import HybridIndex

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/work/shared/data/squad-v1.1-dev-half-a.json")
BENCH = ROOT / ".bench"
NOT_FOUND = 10**9


class CachedEncoder:
    """The real encoder, with vectors cached in one npy per model under .bench/, by text hash."""

    def __init__(self, encoder, folder: Path) -> None:
        self.encoder = encoder
        self.name = encoder.name
        slug = hashlib.sha256(encoder.name.encode()).hexdigest()[:12]
        folder.mkdir(exist_ok=True)
        self._npy, self._keys = folder / f"vectors-{slug}.npy", folder / f"vectors-{slug}.json"
        self._vectors = np.load(self._npy) if self._npy.exists() else None
        keys = json.loads(self._keys.read_text()) if self._keys.exists() else []
        self._row = {k: i for i, k in enumerate(keys)}

    @property
    def dimension(self) -> int:
        return self._vectors.shape[1] if self._vectors is not None else self.encoder.dimension

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        keys = [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._row}.items())
        if missing:
            fresh = self.encoder.encode([t for _, t in missing], progress=progress)
            start = len(self._row)
            self._vectors = fresh if self._vectors is None else np.concatenate([self._vectors, fresh])
            self._row.update({k: start + i for i, (k, _) in enumerate(missing)})
            np.save(self._npy, self._vectors)
            self._keys.write_text(json.dumps(sorted(self._row, key=self._row.get)))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._vectors[[self._row[k] for k in keys]]


@dataclass
class Bench:
    """One question set over one set of paragraphs, with its built index."""

    name: str
    texts: list[str]
    fields: list[str]
    groups: list[str]
    questions: list[str]
    gold: list[frozenset[int]]
    sentence_ok: Callable[[int, int, tuple[int, int]], bool]  # (question, row, span) -> answers?
    index: HybridIndex

    def ranks(self, scores: np.ndarray) -> np.ndarray:
        """0-based rank of the best gold paragraph per question; ties count against it."""
        out = np.empty(len(self.gold), dtype=np.int64)
        for q, gold in enumerate(self.gold):
            rows = np.fromiter(gold, dtype=np.int64)
            best = scores[q, rows].max()
            tied = (scores[q] == best).sum() - (scores[q, rows] == best).sum()
            out[q] = (scores[q] > best).sum() + tied
        return out

    def metrics(self, rankings: list[list[int]], spans: list[tuple[int, int]]) -> dict[str, float]:
        """Metrics from rankings (row lists, best first) and the top hit's highlighted span."""
        ranks = np.array([next((i for i, r in enumerate(rs) if r in g), NOT_FOUND) for rs, g in zip(rankings, self.gold)])
        hits = np.array([self.sentence_ok(q, rs[0], span) for q, (rs, span) in enumerate(zip(rankings, spans))])
        return summarise(ranks, hits)


def summarise(ranks: np.ndarray, sentence_hits: np.ndarray) -> dict[str, float]:
    top = ranks == 0
    out = {f"R@{k}": float((ranks < k).mean()) for k in (1, 3, 5, 20)}
    out["MRR"] = float(np.where(ranks < 20, 1.0 / (ranks + 1), 0.0).mean())
    out["sent"] = float(sentence_hits.mean())
    out["sent|hit"] = float(sentence_hits[top].mean()) if top.any() else 0.0
    return out


def contains_answer(sentence: str, answers: list[str]) -> bool:
    low = sentence.lower()
    return any(a.strip().lower() in low for a in answers if a.strip())


def load_squad(path: Path, encoder, *, limit: int | None = None) -> Bench:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    texts, titles, questions, gold, answers = [], [], [], [], []
    for article in data:
        for par in article["paragraphs"]:
            texts.append(par["context"])
            titles.append(article["title"].replace("_", " "))
            for qa in par["qas"]:
                questions.append(qa["question"])
                gold.append(frozenset([len(texts) - 1]))
                answers.append([a["text"] for a in qa["answers"]])
    questions, gold, answers = questions[:limit], gold[:limit], answers[:limit]
    index = HybridIndex.build(texts, encoder, fields=titles, groups=titles)

    def sentence_ok(q: int, row: int, span: tuple[int, int]) -> bool:
        return contains_answer(texts[row][span[0] : span[1]], answers[q])

    return Bench("squad", texts, titles, titles, questions, gold, sentence_ok, index)


def load_declarations(root: Path, encoder, name: str = "declarations.jsonl") -> Bench | None:
    """eval/declarations.jsonl (or another file of eval/ in its format, e.g. heldout.jsonl) over corpus/
    (None until the file has paragraphs)."""
    from qa.evaluation.question_files import load_questions, paragraph_numbers
    from qa.index.build import metadata_fields as _fields
    from qa.ingest.reading import read_corpus

    path = root / "eval" / name
    if not path.exists():
        return None
    decls = read_corpus(root / "corpus").declarations
    rows = [(d, p) for d in decls for p in d.paragraphs]
    where = {(d.doc_id, p.number): i for i, (d, p) in enumerate(rows)}
    asked = [q for q in load_questions(path, paragraph_numbers(decls)) if q.answerable]
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if line.get("answerable", True)]
    texts = [p.text for _, p in rows]
    evidence: list[dict[int, tuple[int, int]]] = []  # per question: gold row -> evidence span
    for line in lines:
        spans = {}
        for item in [line, *line.get("also", [])]:
            for piece in item["evidence"] if isinstance(item["evidence"], list) else [item["evidence"]]:
                for number in item["paragraphs"]:
                    row = where[(item["doc_id"], number)]
                    at = texts[row].find(piece)
                    if at >= 0:
                        spans[row] = (at, at + len(piece))
        evidence.append(spans)
    fields, groups = [_fields(d, p) for d, p in rows], [d.doc_id for d, _ in rows]
    index = HybridIndex.build(texts, encoder, fields=fields, groups=groups)

    def sentence_ok(q: int, row: int, span: tuple[int, int]) -> bool:
        ev = evidence[q].get(row)
        return ev is not None and span[0] < ev[1] and ev[0] < span[1]

    gold = [frozenset(where[ref] for ref in q.gold) for q in asked]
    return Bench("declarations", texts, fields, groups, [q.question for q in asked], gold, sentence_ok, index)


@dataclass
class Signals:
    """Every shipped signal for every question over every paragraph (n) and sentence (m)."""

    bench: Bench
    encoder: object
    queries: np.ndarray  # (Q, d)
    first: np.ndarray  # (n + 1,) sentence offsets per paragraph
    spans: np.ndarray  # (m, 3) row, start, end
    bm25: np.ndarray  # (Q, n)
    coverage: np.ndarray  # (Q, n)
    dense: np.ndarray  # (Q, n)
    document: np.ndarray  # (Q, n)
    sentence_cos: np.ndarray  # (Q, m)
    sentence_coverage: np.ndarray  # (Q, m)
    sentence_bm25: np.ndarray  # (Q, m)
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # experimental signals, made on demand

    def per_paragraph(self, values: np.ndarray) -> np.ndarray:
        """(Q, m) -> (Q, n): the best sentence of each paragraph."""
        return np.maximum.reduceat(values, self.first[:-1], axis=1)

    def cached(self, name: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        if name not in self.extra:
            self.extra[name] = make()
        return self.extra[name]


def compute_signals(bench: Bench, encoder) -> Signals:
    parts = bench.index._p  # a benchmark may look inside: it scores every row, not candidates
    queries = encoder.encode(bench.questions)
    tokens = [tokenize(q) for q in bench.questions]
    n, m = parts.paragraph_vectors.count, parts.sentence_vectors.count
    paragraph_vectors = parts.paragraph_vectors.reconstruct(np.arange(n))
    sentence_vectors = parts.sentence_vectors.reconstruct(np.arange(m))
    return Signals(
        bench=bench,
        encoder=encoder,
        queries=queries,
        first=bench.index._first,
        spans=parts.spans,
        bm25=np.stack([parts.paragraphs.scores(t) for t in tokens]),
        coverage=np.stack([parts.paragraphs.coverage(t) for t in tokens]),
        dense=queries @ paragraph_vectors.T,
        document=np.stack([bench.index._document_match(t) for t in tokens]),
        sentence_cos=queries @ sentence_vectors.T,
        sentence_coverage=np.stack([parts.sentences.coverage(t) for t in tokens]),
        sentence_bm25=np.stack([parts.sentences.scores(t) for t in tokens]),
    )


def score_variant(bench: Bench, signals: Signals, variant) -> dict[str, float]:
    """Metrics of one variant: its (Q, n) scores rank; its picker highlights the top hit."""
    scores = variant.score(signals)
    ranks = bench.ranks(scores)
    top = scores.argmax(axis=1)
    hits = np.empty(len(top), dtype=bool)
    for q, row in enumerate(top):
        sentence = variant.pick(signals, q, int(row))  # highlighted whole, as HybridIndex.rank does
        hits[q] = bench.sentence_ok(q, int(row), tuple(int(x) for x in bench.index._p.extents[sentence]))
    return summarise(ranks, hits)


def paragraph_max(signals: Signals, values: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """(Q, w) scores of pieces owned by paragraphs (owner sorted) -> (Q, n) best piece."""
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return np.maximum.reduceat(values, starts, axis=1)


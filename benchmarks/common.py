"""What the benchmark scripts share: where the data is, the cached encoder, question sets with their index.

The data is read-only and lives beside the repository, in ``../shared``: the SQuAD file under
``data/`` and the eleven declarations eval/'s question files ask about under ``declarations/``.
:func:`shared_dir` is the one place that finds it (``--shared DIR`` > ``QA_SHARED`` > ``../shared``);
``--squad FILE`` and ``--declarations DIR`` name one input directly.

Example:
    >>> parser = argparse.ArgumentParser()
    >>> add_data_options(parser)
    >>> args = parser.parse_args([])
    >>> squad_file(args)                  # exits with a sentence saying how to point elsewhere if absent
    PosixPath('/…/shared/data/squad-v1.1-dev-half-a.json')
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from embeddings.cache import CachingEncoder
    from qa.documents import Declaration
    from qa.library import Library
    from qa.search.retrieval import HybridIndex

#: The repository root (the folder holding benchmarks/ and qa/).
ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval"
SHARED_ENV = "QA_SHARED"
#: The catalog of ../shared/declarations, kept in eval/ (see that file), and its variable.
SHARED_CATALOG = EVAL / "shared-declarations.catalog.toml"
CATALOG_ENV = "QA_CATALOG"
#: SQuAD v1.1 dev, half A (913 paragraphs, 4,961 questions), inside the shared folder.
SQUAD_NAME = "data/squad-v1.1-dev-half-a.json"
DECLARATIONS_NAME = "declarations"
#: The archives' folder inside the shared folder (328 UN GA 78 PDFs, 88 White House statements).
ARCHIVE_NAME = "archive"
#: Where benchmarks keep a persisted index of the shared declarations (git-ignored), apart from
#: the default .qa-index so that opening them never rebuilds the bundled corpus's index.
DECLARATIONS_INDEX = ROOT / ".bench" / "qa-index"
#: The embedding caches `qa eval` fills under its index folder: SQuAD's texts and questions, and
#: the library's own (the declarations).
EVAL_CACHE, EMBEDDING_CACHE = "eval-cache", "embedding-cache"
NOT_FOUND = 10**9  # the rank of a gold paragraph missing from a ranking


# ----- where the data is ----------------------------------------------------------------------


def shared_dir(override: Path | str | None = None) -> Path:
    """``override`` (the --shared flag) if given, else QA_SHARED, else ``../shared`` beside the repository."""
    from qa.evaluation.shared_data import shared_dir as default_shared_dir  # the one rule: QA_SHARED, else ../shared

    return Path(override) if override else default_shared_dir()


def add_data_options(parser: argparse.ArgumentParser, *, squad: bool = True, declarations: bool = True) -> None:
    """Add --shared, and --squad / --declarations, to a script's options."""
    parser.add_argument("--shared", type=Path, metavar="DIR",
                        help=f"the shared data folder (default: ${SHARED_ENV}, else ../shared beside the repository)")
    if squad:
        parser.add_argument("--squad", type=Path, metavar="FILE",
                            help=f"SQuAD v1.1 JSON file (default: <shared>/{SQUAD_NAME})")
    if declarations:
        parser.add_argument("--declarations", type=Path, metavar="DIR",
                            help=f"folder of the declarations eval/ asks about (default: <shared>/{DECLARATIONS_NAME})")


def squad_file(args: argparse.Namespace) -> Path:
    """The SQuAD file the options name; exits with a sentence if it is not there."""
    return _present(args.squad or shared_dir(args.shared) / SQUAD_NAME, "the SQuAD file", "--squad FILE")


def declarations_dir(args: argparse.Namespace) -> Path:
    """The declarations folder the options name; exits with a sentence if it is not there.

    ../shared/declarations cannot hold a catalog of its own, so its catalog
    (eval/shared-declarations.catalog.toml) is laid under it unless QA_CATALOG says otherwise.
    """
    os.environ.setdefault(CATALOG_ENV, str(SHARED_CATALOG))
    path = args.declarations or shared_dir(args.shared) / DECLARATIONS_NAME
    return _present(path, "the declarations folder", "--declarations DIR")


def archive_dir(args: argparse.Namespace, name: str) -> Path:
    """One archive of ``<shared>/archive`` (``un-ga-78``, ...); exits with a sentence if it is not there."""
    return _present(shared_dir(args.shared) / ARCHIVE_NAME / name, f"the archive {name}", None)


def archive_library(args: argparse.Namespace) -> list[Path]:
    """The folders of the whole ../shared library: the declarations, then both archives."""
    from qa.evaluation.shared_data import ARCHIVES

    return [declarations_dir(args), *(archive_dir(args, name) for name in ARCHIVES)]


def declarations_and_whole(description: str, argv: list[str] | None = None) -> list[tuple[str, Library]]:
    """The libraries a script reports on, from its options: the 11 declarations (``--index``) and,
    given ``--whole-index``, the whole ../shared library (built where stale), each with its name."""
    from qa.library import Library

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--index", type=Path, required=True, help="index of ../shared/declarations")
    parser.add_argument("--whole-index", type=Path, help="index of the whole ../shared library (built if stale)")
    add_data_options(parser)
    args = parser.parse_args(argv)
    libraries = [("the 11 declarations", Library.open(declarations_dir(args), args.index))]
    if args.whole_index is not None:
        libraries.append(("the whole library", Library.open(archive_library(args), args.whole_index)))
    return libraries


def _present(path: Path, what: str, flag: str | None) -> Path:
    if not path.exists():
        sys.exit(f"{what} {path} does not exist: the benchmarks read ../shared beside the repository; "
                 f"point {SHARED_ENV} or --shared DIR at another copy" + (f", or name it with {flag}." if flag else "."))
    return path


def read_declarations(folder: Path) -> list[Declaration]:
    """The declarations of a folder, sorted by doc_id, as a library reads them."""
    from qa.ingest.reading import read_corpus

    return read_corpus(folder).declarations


def cache_dir(name: str = EMBEDDING_CACHE) -> Path:
    """One of the caches `qa eval` fills under its index folder (QA_INDEX, else .qa-index)."""
    from qa.settings import default_index_dir

    return default_index_dir() / name


def cached_encoder(folder: Path | None = None) -> CachingEncoder:
    """The bundled encoder behind an embedding cache (default: the library's own, :func:`cache_dir`)."""
    from embeddings.cache import CachingEncoder
    from embeddings.encoder import Encoder

    return CachingEncoder(Encoder(), folder or cache_dir())


# ----- question sets, each over all paragraphs of its set, with the built index --------------


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
    """R@1/3/5/20, MRR@20 and answer-sentence accuracy (all, and where the top hit is gold)."""
    top = ranks == 0
    out = {f"R@{k}": float((ranks < k).mean()) for k in (1, 3, 5, 20)}
    out["MRR"] = float(np.where(ranks < 20, 1.0 / (ranks + 1), 0.0).mean())
    out["sent"] = float(sentence_hits.mean())
    out["sent|hit"] = float(sentence_hits[top].mean()) if top.any() else 0.0
    return out


def load_squad(path: Path, encoder, *, limit: int | None = None) -> Bench:
    """Every paragraph of a SQuAD file, titled by its article; a question's gold is its own paragraph."""
    from qa.search.retrieval import HybridIndex

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


def contains_answer(sentence: str, answers: list[str]) -> bool:
    """The sentence holds one of the answers, compared lowercased."""
    low = sentence.lower()
    return any(a.strip().lower() in low for a in answers if a.strip())


def load_declarations(folder: Path, encoder, name: str = "declarations.jsonl") -> Bench | None:
    """The answerable questions of eval/<name> (declarations.jsonl, heldout.jsonl, ...) over the
    declarations in ``folder``; any listed paragraph is gold. None while the file is missing."""
    from qa.evaluation.question_files import load_questions, paragraph_numbers
    from qa.index.build import metadata_fields
    from qa.search.retrieval import HybridIndex

    path = EVAL / name
    if not path.exists():
        return None
    decls = read_declarations(folder)
    rows = [(d, p) for d in decls for p in d.paragraphs]
    where = {(d.doc_id, p.number): i for i, (d, p) in enumerate(rows)}
    asked = [q for q in load_questions(path, paragraph_numbers(decls)) if q.answerable]
    texts = [p.text for _, p in rows]
    evidence = _evidence_spans(path, texts, where)
    fields, groups = [metadata_fields(d, p) for d, p in rows], [d.doc_id for d, _ in rows]
    index = HybridIndex.build(texts, encoder, fields=fields, groups=groups)

    def sentence_ok(q: int, row: int, span: tuple[int, int]) -> bool:
        ev = evidence[q].get(row)
        return ev is not None and span[0] < ev[1] and ev[0] < span[1]

    gold = [frozenset(where[ref] for ref in q.gold) for q in asked]
    return Bench("declarations", texts, fields, groups, [q.question for q in asked], gold, sentence_ok, index)


def _evidence_spans(
    path: Path, texts: list[str], where: dict[tuple[str, str], int]
) -> list[dict[int, tuple[int, int]]]:
    """Per answerable question of the file: gold row -> where its evidence string stands in it."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    evidence = []
    for line in (line for line in lines if line.get("answerable", True)):
        spans = {}
        for item in [line, *line.get("also", [])]:
            for piece in item["evidence"] if isinstance(item["evidence"], list) else [item["evidence"]]:
                for number in item["paragraphs"]:
                    row = where[(item["doc_id"], number)]
                    at = texts[row].find(piece)
                    if at >= 0:
                        spans[row] = (at, at + len(piece))
        evidence.append(spans)
    return evidence


def time_each(fn, items) -> list[float]:
    """Wall seconds of ``fn(item)`` for each item, in order."""
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - start)
    return out

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from qa.search.lexical import K1, B, LexicalIndex, shared_terms
from qa.text.tokens import tokenize

CORPUS = [
    "NATO leaders met in Chicago and welcomed Georgia's progress towards NATO membership.",
    "Georgia will become a member of the Alliance.",
    "Russia's military presence in Georgia remains a concern for the Alliance and its members.",
]


def reference_bm25(docs: list[list[str]], query: list[str], *, k1: float, b: float) -> list[float]:
    """Lucene BM25 as bm25s computes it, written out by hand."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    scores = []
    for doc in docs:
        tf = Counter(doc)
        total = 0.0
        for term in query:
            df = sum(term in d for d in docs)
            if df == 0:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += idf * tf[term] / (tf[term] + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(total)
    return scores


@pytest.mark.parametrize("query", ["Georgia member", "NATO Chicago", "Russia Alliance concern", "Georgia"])
@pytest.mark.parametrize(("k1", "b"), [(K1, B), (1.5, 0.3), (0.9, 1.0)])
def test_scores_equal_a_hand_written_bm25(query: str, k1: float, b: float) -> None:
    index = LexicalIndex.build(CORPUS, k1=k1, b=b)
    docs = [tokenize(t) for t in CORPUS]
    expected = reference_bm25(docs, tokenize(query), k1=k1, b=b)
    np.testing.assert_allclose(index.scores(tokenize(query)), expected, rtol=1e-5)


def reference_coverage(docs: list[list[str]], query: list[str]) -> list[float]:
    """Share of the query's (unique, known) idf mass each document holds."""
    n = len(docs)
    terms = [t for t in dict.fromkeys(query) if any(t in d for d in docs)]
    idf = {t: math.log(1 + (n - sum(t in d for d in docs) + 0.5) / (sum(t in d for d in docs) + 0.5)) for t in terms}
    total = sum(idf.values())
    return [sum(idf[t] for t in terms if t in d) / total if total else 0.0 for d in docs]


@pytest.mark.parametrize("query", ["Georgia member", "NATO NATO Chicago", "Russia Alliance concern zebra", "zebra", ""])
def test_coverage_equals_a_hand_written_reference(query: str) -> None:
    index = LexicalIndex.build(CORPUS)
    docs = [tokenize(t) for t in CORPUS]
    expected = reference_coverage(docs, tokenize(query))
    np.testing.assert_allclose(index.coverage(tokenize(query)), expected, rtol=1e-5, atol=1e-7)


def reference_idf(docs: list[list[str]], term: str) -> float:
    n, df = len(docs), sum(term in d for d in docs)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Georgia member", 1.0), ("Georgia zebra", None), ("zebra quantum", 0.0), ("", 0.0), ("zebra zebra Russia", None)],
)
def test_known_share_weighs_unseen_words_at_the_highest_idf(query: str, expected: float | None) -> None:
    index = LexicalIndex.build(CORPUS)
    docs = [tokenize(t) for t in CORPUS]
    if expected is None:  # one known word and one unseen (df 0) word
        words = list(dict.fromkeys(tokenize(query)))
        known = sum(reference_idf(docs, t) for t in words if any(t in d for d in docs))
        expected = known / sum(reference_idf(docs, t) for t in words)
    assert index.known_share(tokenize(query)) == pytest.approx(expected)


def test_known_share_times_coverage_is_the_share_of_the_whole_question() -> None:
    index = LexicalIndex.build(CORPUS)
    docs = [tokenize(t) for t in CORPUS]
    tokens = tokenize("Russia concern Finland")
    whole = [sum(reference_idf(docs, t) for t in tokens if t in d) / sum(reference_idf(docs, t) for t in tokens)
             for d in docs]
    np.testing.assert_allclose(index.coverage(tokens) * index.known_share(tokens), whole, rtol=1e-5)


@pytest.mark.parametrize("query", ["Georgia member", "NATO Chicago Russia", "Alliance", "zebra", "zebra Chicago", ""])
def test_rarest_is_the_highest_idf_held_over_the_highest_idf(query: str) -> None:
    index = LexicalIndex.build(CORPUS)
    docs = [tokenize(t) for t in CORPUS]
    highest = math.log(1 + (len(docs) + 0.5) / 0.5)
    expected = [max((reference_idf(docs, t) for t in tokenize(query) if t in d), default=0.0) / highest for d in docs]
    np.testing.assert_allclose(index.rarest(tokenize(query)), expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("query", ["Georgia member", "NATO NATO Chicago", "Russia Alliance concern zebra", "zebra", ""])
@pytest.mark.parametrize("docs", [[0, 1, 2], [2, 0], [1]])
def test_terms_held_rebuild_coverage_word_by_word(query: str, docs: list[int]) -> None:
    index = LexicalIndex.build(CORPUS)
    held, idf = index.terms_held(tokenize(query), np.array(docs))
    known = [t for t in dict.fromkeys(tokenize(query)) if any(t in tokenize(c) for c in CORPUS)]
    assert held.shape == (len(docs), len(known)) and idf.shape == (len(known),)
    assert held.sum() == sum(t in tokenize(CORPUS[d]) for d in docs for t in known)
    coverage = held @ idf / idf.sum() if len(known) else np.zeros(len(docs))
    np.testing.assert_allclose(coverage, index.coverage(tokenize(query))[docs], rtol=1e-5, atol=1e-7)


def test_shared_terms_keep_document_metadata_and_drop_section_headings() -> None:
    fields = ["G20 Bali Declaration 2022 Climate", "G20 Bali Declaration 2022 Health", "NATO Chicago 2012 Afghanistan"]
    terms, row_group = shared_terms(fields, ["g20", "g20", "nato"])
    assert terms == [["g20", "bali", "declar", "2022"], ["nato", "chicago", "2012", "afghanistan"]]
    assert row_group.tolist() == [0, 0, 1]


def test_unknown_or_empty_query_scores_zero() -> None:
    index = LexicalIndex.build(CORPUS)
    assert index.scores(tokenize("unheard-of words")).tolist() == [0.0, 0.0, 0.0]
    assert index.scores([]).tolist() == [0.0, 0.0, 0.0]


def test_doc_freq_counts_documents_holding_each_term() -> None:
    index = LexicalIndex.build(CORPUS)
    assert index.doc_freq(tokenize("Georgia NATO Chicago zebra")).tolist() == [3, 1, 1, 0]


def test_corpus_without_words_still_indexes() -> None:
    index = LexicalIndex.build(["the", "of the"])
    assert index.scores(tokenize("anything")).tolist() == [0.0, 0.0]


def test_save_load_round_trip(tmp_path) -> None:
    index = LexicalIndex.build(CORPUS, k1=1.4, b=0.6)
    names = index.save(tmp_path / "bm25")
    assert names and all((tmp_path / "bm25" / n).is_file() for n in names)
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    loaded = LexicalIndex.load(tmp_path / "bm25")
    query = tokenize("Georgia Alliance member")
    np.testing.assert_array_equal(loaded.scores(query), index.scores(query))
    assert loaded.settings == index.settings


def _every_lookup(index: LexicalIndex, tokens: list[str]) -> tuple:
    """Everything a question asks of an index by word."""
    docs = np.arange(index.size)
    held, idf = index.terms_held(tokens, docs)
    return (index.scores(tokens).tolist(), index.coverage(tokens).tolist(), index.rarest(tokens).tolist(),
            index.known_share(tokens), held.tolist(), idf.tolist(), index.held_words(tokens),
            index.doc_freq(tokens).tolist(), [index.holding(t).tolist() for t in tokens])


def test_a_saved_index_looks_words_up_in_its_term_table_without_bm25s_vocabulary(tmp_path) -> None:
    """Loading reads the table of term hashes, not bm25s's JSON vocabulary (0.14-0.2 s for the
    whole library's word pairs); an index saved before tables reads the vocabulary as it did."""
    from qa.search.lexical import TermTable

    index = LexicalIndex.build(CORPUS)
    names = index.save(tmp_path / "bm25")
    assert {TermTable.HASHES, TermTable.IDS} <= set(names)
    asked = tokenize("Russia Alliance concern zebra Georgia NATO membership") + ["", "georgia"]
    expected = _every_lookup(index, asked)
    (tmp_path / "bm25" / "vocab.index.json").rename(tmp_path / "vocab.index.json")  # not read now
    assert _every_lookup(LexicalIndex.load(tmp_path / "bm25"), asked) == expected
    (tmp_path / "vocab.index.json").rename(tmp_path / "bm25" / "vocab.index.json")
    loaded = LexicalIndex.load(tmp_path / "bm25")  # with its table: the vocabulary is not in memory
    for again in (tmp_path / "again", tmp_path / "bm25"):  # saved elsewhere, and over its own folder
        assert {"vocab.index.json", TermTable.HASHES} <= set(loaded.save(again))
        assert _every_lookup(LexicalIndex.load(again), asked) == expected
    for name in (TermTable.HASHES, TermTable.IDS):
        (tmp_path / "bm25" / name).unlink()
    assert _every_lookup(LexicalIndex.load(tmp_path / "bm25"), asked) == expected
    table = TermTable.of({"nato": 0, "georgia": 1, "alli": 2})
    assert [table.get(t) for t in ("alli", "georgia", "nato", "zebra", "")] == [2, 1, 0, None, None]
    table = TermTable.of({"nato": 0, "georgia": 1, "alli": 2})
    table.KEPT = 2  # lookups kept, then forgotten: the same answers either way
    assert [table.get(t) for t in ("zebra", "nato", "alli", "zebra", "georgia")] == [None, 0, 2, None, 1]
    assert len(table._seen) <= 2


def test_terms_sharing_a_hash_keep_bm25s_vocabulary(tmp_path, monkeypatch) -> None:
    """Two terms of one index with the same 64-bit hash would read as one: no table is written
    and the vocabulary is read instead, so lookups stay exact."""
    import qa.search.lexical as lexical

    index = LexicalIndex.build(CORPUS)
    monkeypatch.setattr(lexical, "term_hash", lambda term: 7)
    assert lexical.TermTable.of({"nato": 0, "georgia": 1}) is None
    names = index.save(tmp_path / "bm25")
    assert lexical.TermTable.HASHES not in names
    asked = tokenize("Georgia NATO zebra")
    assert _every_lookup(LexicalIndex.load(tmp_path / "bm25"), asked) == _every_lookup(index, asked)
    with pytest.raises(ValueError, match="as many ids as hashes"):
        lexical.TermTable(np.zeros(2, dtype=np.uint64), np.zeros(3, dtype=np.int64))


def test_held_words_name_the_columns_of_terms_held_and_holding_lists_their_documents() -> None:
    index = LexicalIndex.build(CORPUS)
    tokens = tokenize("Russia Alliance concern zebra Georgia")
    words = index.held_words(tokens)
    held, _ = index.terms_held(tokens, np.arange(len(CORPUS)))
    assert "zebra" not in words and len(words) == held.shape[1]
    for j, word in enumerate(words):
        expected = [d for d, text in enumerate(CORPUS) if word in tokenize(text)]
        assert sorted(index.holding(word).tolist()) == expected == np.flatnonzero(held[:, j]).tolist()
    assert index.holding("zebra").size == 0 and index.holding("").size == 0

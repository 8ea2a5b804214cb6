from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from qa.search.fusion import Weights
from qa.search.retrieval import HybridIndex, Ranked


@pytest.fixture
def texts(tiny_passages) -> list[str]:
    return [p["text"] for p in tiny_passages]


@pytest.fixture
def index(texts, tiny_passages, fake_encoder) -> HybridIndex:
    return HybridIndex.build(texts, fake_encoder, fields=_fields(tiny_passages), groups=_groups(tiny_passages))


def _fields(passages) -> list[str]:
    return [f"{p['title']} {p['place']} {p['date'][:4]}" for p in passages]


def _groups(passages) -> list[str]:
    return [p["doc_id"] for p in passages]


@pytest.mark.parametrize(
    ("query", "row"),
    [
        ("Will Georgia become a member of NATO?", 1),
        ("When is the transition of security to Afghan forces complete?", 0),
        ("freedom of navigation in the South China Sea", 3),
        ("online gambling and telecommunication fraud", 4),
        ("Russia's military presence", 2),
    ],
)
def test_ranks_the_answering_paragraph_first(index, query, row) -> None:
    assert index.search(query, k=3)[0].row == row


def test_results_are_sorted_unique_and_at_most_k(index) -> None:
    hits = index.search("NATO cooperation", k=3)
    assert 1 <= len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.row for h in hits}) == len(hits)
    assert len(index.search("NATO cooperation", k=50)) == index.size


def test_sentence_offsets_slice_the_answering_sentence(index, texts) -> None:
    best = index.search("Will Georgia become a member of NATO?", k=1)[0]
    start, end = best.sentence
    assert texts[best.row][start:end] == "At the 2008 Bucharest Summit we agreed that Georgia will become a member of NATO."
    for hit in index.search("Russia", k=5):
        start, end = hit.sentence
        sentence = texts[hit.row][start:end]
        assert sentence and sentence == sentence.strip() and sentence in texts[hit.row]


def test_second_sentence_is_chosen_when_it_answers(index, texts) -> None:
    best = index.search("Did they strengthen law enforcement cooperation?", k=1)[0]
    assert best.row == 4
    assert texts[4][slice(*best.sentence)].startswith("We agreed to strengthen law enforcement")


def test_places_leave_out_a_repeat_of_a_better_hit_and_still_give_k(index) -> None:
    """Rows 0 and 2 hold the same words elsewhere: whichever ranks lower is left out, and the
    next row takes its place, so k distinct paragraphs come back."""
    plain = [h.row for h in index.search("NATO cooperation", k=5)]
    repeats = {0: ("a", "b"), 2: ("b", "a")}
    places = lambda row: repeats.get(row, (f"row {row}",))  # noqa: E731
    once = [h.row for h in index.search("NATO cooperation", k=4, places=places)]
    later = max(plain.index(0), plain.index(2))
    assert once == [row for i, row in enumerate(plain) if i != later][:4]
    assert len(once) == 4


def test_allowed_mask_filters_rows(index) -> None:
    allowed = np.array([False, False, False, True, True])
    hits = index.search("Will Georgia become a member of NATO?", k=5, allowed=allowed)
    assert {h.row for h in hits} <= {3, 4}
    assert index.search("Georgia", k=5, allowed=np.zeros(5, dtype=bool)) == []


def test_metadata_fields_reach_bm25(index) -> None:
    hits = index.search("Vientiane", k=5)
    assert {h.row for h in hits if h.lexical > 0} == {3, 4}


def test_absolute_signals(index) -> None:
    hit = index.search("Georgia will become a member of NATO", k=1)[0]
    assert isinstance(hit, Ranked)
    assert 0.5 < hit.cosine <= 1.0 + 1e-6
    assert hit.lexical > 0
    miss = index.search("zebra quantum pancake", k=1)[0]
    assert miss.lexical == 0.0
    assert miss.cosine < hit.cosine


def test_save_load_round_trip_gives_the_same_results(index, fake_encoder, tmp_path) -> None:
    names = index.save(tmp_path)
    assert all((tmp_path / n).is_file() for n in names)
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    json.loads((tmp_path / "retrieval.json").read_text())
    loaded = HybridIndex.load(tmp_path, fake_encoder)
    assert loaded.settings == index.settings
    for query in ("Georgia NATO", "South China Sea", "law enforcement", "Chicago 2012"):
        assert loaded.search(query, k=5) == index.search(query, k=5)


def test_a_loaded_index_weighs_evidence_with_this_codes_weights(index, fake_encoder, tmp_path) -> None:
    index.save(tmp_path)
    settings = json.loads((tmp_path / "retrieval.json").read_text())
    settings["weights"] = {**settings["weights"], "document": 0.9, "a_weight_since_removed": 1.0}
    (tmp_path / "retrieval.json").write_text(json.dumps(settings))  # an index built by older code
    loaded = HybridIndex.load(tmp_path, fake_encoder)
    assert loaded.weights == Weights()
    assert loaded.search("Georgia NATO 2012", k=5) == index.search("Georgia NATO 2012", k=5)


def test_load_refuses_an_encoder_of_another_dimension(index, tmp_path) -> None:
    index.save(tmp_path)

    class Wide:
        name, dimension = "wide", 128

    with pytest.raises(ValueError, match="dimensions"):
        HybridIndex.load(tmp_path, Wide())


def test_build_embeds_once_and_rejects_mismatched_fields(texts, fake_encoder) -> None:
    HybridIndex.build(texts, fake_encoder)
    assert len(fake_encoder.calls) == 1
    with pytest.raises(ValueError, match="one per text"):
        HybridIndex.build(texts, fake_encoder, fields=["only one"])


def test_settings_record_the_build(index) -> None:
    settings = index.settings
    assert settings["paragraphs"] == 5 and settings["dimension"] == 64
    assert settings["bm25"]["k1"] > 0


def test_question_naming_a_declaration_favours_its_paragraphs(index) -> None:
    ev = index.evidence("What was said in Vientiane?", k=5)
    by_row = dict(zip(ev.rows.tolist(), ev.document.tolist()))
    assert by_row == {0: 0.0, 1: 0.0, 2: 0.0, 3: 1.0, 4: 1.0}
    assert index.evidence("Georgia", k=5).document.tolist() == [0.0] * 5


def test_without_groups_there_is_no_document_match(texts, tiny_passages, fake_encoder, tmp_path) -> None:
    plain = HybridIndex.build(texts, fake_encoder, fields=_fields(tiny_passages))
    assert plain.evidence("Vientiane", k=5).document.tolist() == [0.0] * 5
    plain.save(tmp_path)
    assert HybridIndex.load(tmp_path, fake_encoder).search("Vientiane", k=5) == plain.search("Vientiane", k=5)


def test_evidence_lists_every_sentence_of_every_candidate(index, texts) -> None:
    ev = index.evidence("NATO", k=5)
    assert sorted(ev.rows.tolist()) == [0, 1, 2, 3, 4]
    assert len(ev.sentences) == ev.first[-1] == len(ev.sentence_cos) == len(ev.sentence_coverage)
    assert ev.sentences.tolist() == list(range(len(ev.sentences)))  # every row's sentences, in order


def test_a_narrow_candidate_set_still_returns_k_hits(texts, tiny_passages, fake_encoder) -> None:
    narrow = HybridIndex.build(texts, fake_encoder, fields=_fields(tiny_passages))
    narrow.weights = Weights(candidates=1)
    hits = narrow.search("Will Georgia become a member of NATO?", k=3)
    assert len(hits) == 3 and hits[0].row == 1
    assert len(narrow.search("Georgia", k=1)) == 1


def test_candidates_come_from_each_signal(fake_encoder) -> None:
    texts = [f"Filler paragraph number {i} about trade." for i in range(30)]
    texts[7] = "The Alliance discussed Georgia and its membership."
    texts[19] = "Georgia membership Georgia membership."
    index = HybridIndex.build(texts, fake_encoder)
    index.weights = Weights(candidates=2)
    ev = index.evidence("Georgia membership", k=1)
    assert {7, 19} <= set(ev.rows.tolist()) and len(ev.rows) <= 6
    assert index.search("Georgia membership", k=1)[0].row in (7, 19)


def test_evidence_says_which_question_words_each_sentence_holds(index) -> None:
    ev = index.evidence("Georgia NATO membership zebra", k=5)
    assert ev.sentence_terms.shape == (len(ev.sentences), len(ev.term_idf)) == (len(ev.sentences), 2)
    np.testing.assert_allclose(ev.sentence_terms @ ev.term_idf / ev.term_idf.sum(), ev.sentence_coverage, rtol=1e-5)


# Paragraphs of which "established" is common and "Chicago" rare: plain coverage favours the
# sentence naming the University of Chicago; within its paragraph, "established" tells.
WHEN_TEXTS = [
    ("The University of Chicago is a private research university in Chicago. "
     "The university, established in 1890, consists of the College and graduate programs. "
     "Chicago is also known for its professional schools, such as the University of Chicago Law School."),
    "The ASEAN-US partnership was established in 1977. It became strategic in 2015.",
    "We established a fund for pandemic preparedness.",
    "The court, established by the treaty, sits in The Hague.",
]


def test_a_when_question_highlights_the_sentence_with_the_year(fake_encoder) -> None:
    index = HybridIndex.build(WHEN_TEXTS, fake_encoder)
    best = index.search("When was the University of Chicago established?", k=1)[0]
    assert best.row == 0
    assert WHEN_TEXTS[0][slice(*best.sentence)] == (
        "The university, established in 1890, consists of the College and graduate programs."
    )


def test_a_hard_wrapped_sentence_is_highlighted_whole(fake_encoder, tmp_path) -> None:
    texts = [("He is at this time transporting large armies of foreign mercenaries\n"
              "      to compleat the works of death, desolation and tyranny."),
             "He has dissolved Representative Houses repeatedly."]
    index = HybridIndex.build(texts, fake_encoder)
    assert index.settings["sentences"] == 3  # retrieval keeps pysbd's line pieces
    best = index.search("foreign mercenaries", k=1)[0]
    assert (best.row, best.sentence) == (0, (0, len(texts[0])))
    index.save(tmp_path)
    assert HybridIndex.load(tmp_path, fake_encoder).search("foreign mercenaries", k=1) == [best]


def test_load_refuses_extents_that_do_not_match_the_sentences(index, fake_encoder, tmp_path) -> None:
    index.save(tmp_path)
    np.save(tmp_path / "sentence_extents.npy", np.zeros((1, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="sentence extents"):
        HybridIndex.load(tmp_path, fake_encoder)


TYPED_TEXTS = [
    "Georgia's aspirations were welcomed at the Bucharest summit. Georgia applied for membership in 2008.",
    "The alliance keeps its door open to new members.",
]


def test_evidence_marks_the_sentences_naming_the_answer_type(fake_encoder) -> None:
    index = HybridIndex.build(TYPED_TEXTS, fake_encoder)
    ev = index.evidence("When did Georgia apply for membership?", k=2)
    first = int(np.flatnonzero(ev.rows == 0)[0])
    assert ev.sentence_answer[ev.first[first] : ev.first[first + 1]].tolist() == [0.0, 1.0]  # 2008, a date
    untyped = index.evidence("What did the alliance say about Georgia?", k=2)
    assert not untyped.sentence_answer.any() and len(untyped.sentence_answer) == len(untyped.sentences)


def test_entities_round_trip_and_a_damaged_entities_file_is_refused(fake_encoder, tmp_path) -> None:
    index = HybridIndex.build(TYPED_TEXTS, fake_encoder)
    index.save(tmp_path)
    question = "When did Georgia apply for membership?"
    loaded = HybridIndex.load(tmp_path, fake_encoder)
    np.testing.assert_array_equal(loaded.evidence(question, k=2).sentence_answer, index.evidence(question, k=2).sentence_answer)
    path = tmp_path / "sentence_entities.json"
    path.write_text(json.dumps([[]]))
    with pytest.raises(ValueError, match="entities for 3 sentences"):
        HybridIndex.load(tmp_path, fake_encoder)
    path.write_text(json.dumps([["DATE"], [], []]))
    with pytest.raises(ValueError, match="rebuild the index"):
        HybridIndex.load(tmp_path, fake_encoder)


ONE_OR_MORE = [
    "Georgia applied for membership in 2008 and was welcomed by the Allies in Bucharest.",  # one sentence
    ("In 2014 the Allies agreed at the Wales Summit to keep the door open to\n"  # one sentence, two pieces
     "      Georgia, Ukraine and the Republic of Moldova until 2030."),
    "Georgia's aspirations were welcomed at the Bucharest summit. Georgia applied for membership in 2008.",
    "The alliance keeps its door open to new members. Montenegro joined in 2017 and North Macedonia in 2020.",
]


def test_only_paragraphs_of_two_sentences_or_more_are_tagged_and_no_answer_changes(fake_encoder) -> None:
    from qa.text.answer_types import EntityTable
    from tests.conftest import FakeTagger

    class Recording(FakeTagger):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[str] = []

        def tag(self, texts):
            self.asked += texts
            return super().tag(texts)

    tagger = Recording()
    index = HybridIndex.build(ONE_OR_MORE, fake_encoder, tagger=tagger)
    assert index.settings["sentences"] == 7  # 1 + 2 pieces + 2 + 2
    assert tagger.asked == [  # the whole sentences of the last two paragraphs only
        "Georgia's aspirations were welcomed at the Bucharest summit.", "Georgia applied for membership in 2008.",
        "The alliance keeps its door open to new members.", "Montenegro joined in 2017 and North Macedonia in 2020.",
    ]
    assert index._p.entities[:3] == [[], [], []]

    everything = HybridIndex.build(ONE_OR_MORE, fake_encoder, tagger=FakeTagger())
    spans, extents = everything._p.spans, everything._p.extents
    whole = [ONE_OR_MORE[r][s:e] for r, (s, e) in zip(spans[:, 0], extents)]
    everything._entities = EntityTable([FakeTagger._entities(text) for text in whole])
    assert everything._entities.masks[:3].any()  # the one-sentence paragraphs do name dates
    for question in ("When did Georgia apply for membership?", "Until when is the door open to Moldova?",
                     "When did Montenegro join?", "Who welcomed Georgia?", "What did the Allies agree in 2014?"):
        whole = ONE_OR_MORE.__getitem__  # with the second look, as a library ranks
        assert index.search(question, k=4, text=whole) == everything.search(question, k=4, text=whole), question


def test_a_preambular_paragraph_ranks_below_the_same_words_in_an_operative_one(fake_encoder) -> None:
    text = "Recalling the commitment to phase out inefficient fossil fuel subsidies by 2025."
    index = HybridIndex.build([text, text, "Welcomes the report on oceans."], fake_encoder)
    question = "fossil fuel subsidies"
    assert [r.row for r in index.search(question, k=2)] == [0, 1]  # a tie: the lower row first
    preamble = np.array([True, False, False])
    ranked = index.search(question, k=2, preamble=preamble)
    assert [r.row for r in ranked] == [1, 0]
    assert ranked[0].score - ranked[1].score == pytest.approx(index.weights.preamble, abs=1e-5)


@pytest.fixture(params=[True, False], ids=["side threads", "one thread"])
def either(request, index, monkeypatch) -> HybridIndex:
    """The tiny index searched with the side threads (as a library of SIDE_WORK_FROM vectors is) and without."""
    monkeypatch.setattr(index, "_side", request.param)
    return index


def test_a_small_index_works_alone_and_ranks_as_with_side_threads(index, monkeypatch) -> None:
    from qa.search.retrieval import SIDE_WORK_FROM

    assert index.size < SIDE_WORK_FROM and not index._side
    questions = ["Will Georgia become a member of NATO?", "Russia", "What was said in Vientiane?"]
    alone = [index.search(q, k=3) for q in questions]
    monkeypatch.setattr(index, "_side", True)
    assert [index.search(q, k=3) for q in questions] == alone


def test_searches_from_many_threads_match_one_at_a_time(either) -> None:
    index = either
    """A search embeds the question on its own thread while a shared pool matches its words and
    scans the sentences; concurrent searches (the web app's) queue for the pool, nothing mixes."""
    from concurrent.futures import ThreadPoolExecutor

    questions = ["Will Georgia become a member of NATO?", "Russia", "law enforcement cooperation",
                 "What was said in Vientiane?", "NATO cooperation"] * 8
    alone = [index.search(q, k=3) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda q: index.search(q, k=3), questions))
    assert together == alone


def test_a_failing_embedding_or_word_matching_reaches_the_caller(either, monkeypatch) -> None:
    index = either

    class Broken(RuntimeError):
        pass

    def fail(*_, **__):
        raise Broken("the model is gone")

    monkeypatch.setattr(index.encoder, "encode", fail)
    with pytest.raises(Broken, match="the model is gone"):
        index.search("Georgia", k=1)
    monkeypatch.setattr(index.encoder, "encode", type(index.encoder).encode.__get__(index.encoder))
    monkeypatch.setattr(index, "_words", fail)  # runs on the pool: its error is raised here too
    with pytest.raises(Broken, match="the model is gone"):
        index.search("Georgia", k=1)


def test_a_forked_child_searches_with_threads_of_its_own(index, monkeypatch) -> None:
    """The side threads do not survive a fork: a child that kept the parent's pool would queue
    work no thread takes and wait forever (the pool is forgotten at fork)."""
    import multiprocessing

    monkeypatch.setattr(index, "_side", True)  # as in a library of SIDE_WORK_FROM vectors

    want = [h.row for h in index.search("Russia", k=3)]  # the parent's pool exists now
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    # A forked child runs the closure itself (nothing is pickled but its answer).
    child = context.Process(target=lambda: writer.send([h.row for h in index.search("Russia", k=3)]))
    child.start()
    try:
        assert reader.poll(60), "the forked child's search never finished"
        assert reader.recv() == want
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()


PAIRED = [
    "We support the Global Partnership for Education and its fund.",  # the name, word by word
    "We support education, a global fund and its partnership.",  # the same words, apart
    "Nothing here is about schools.",
]


def test_evidence_gives_the_share_of_the_questions_word_pairs_each_candidate_holds(fake_encoder, tmp_path) -> None:
    index = HybridIndex.build(PAIRED, fake_encoder)
    question = "How much for the Global Partnership for Education?"  # much global, global partnership, partnership educ
    ev = index.evidence(question, k=3)
    share = dict(zip(ev.rows.tolist(), ev.phrase.tolist()))
    assert share[0] == pytest.approx(2 / 3) and share[1] == 0.0
    assert index.search(question, k=1)[0].row == 0
    # A word that names the filter still counts in its pairs ("g20 presid" narrowed to the G20).
    narrowed = index.evidence(question, k=3, ignore=frozenset({"partnership"}))
    assert dict(zip(narrowed.rows.tolist(), narrowed.phrase.tolist()))[0] == pytest.approx(2 / 3)
    assert index.evidence("Education?", k=3).phrase is None  # one word: no pair
    index.save(tmp_path)
    loaded = HybridIndex.load(tmp_path, fake_encoder)
    np.testing.assert_array_equal(loaded.evidence(question, k=3).phrase, ev.phrase)


def test_an_index_whose_settings_name_no_word_pairs_loads_and_ranks_without_them(fake_encoder, tmp_path) -> None:
    index = HybridIndex.build(PAIRED, fake_encoder)
    index.save(tmp_path)
    settings = json.loads((tmp_path / "retrieval.json").read_text())
    del settings["phrases"]  # a hand-made index, or one from before format 8 read on purpose
    (tmp_path / "retrieval.json").write_text(json.dumps(settings))
    loaded = HybridIndex.load(tmp_path, fake_encoder)
    question = "How much for the Global Partnership for Education?"
    assert loaded.settings["phrases"] is False
    assert loaded.evidence(question, k=3).phrase is None
    unpaired = HybridIndex(fake_encoder, dataclasses.replace(index._p, phrases=None))
    assert loaded.search(question, k=3) == unpaired.search(question, k=3)


def test_paragraph_bm25_is_that_of_each_text_with_its_fields(index, texts, tiny_passages) -> None:
    from qa.search.lexical import LexicalIndex
    from qa.text.tokens import tokenize

    joined = LexicalIndex.build([f"{t}\n{f}" for t, f in zip(texts, _fields(tiny_passages))])
    for question in ("Georgia NATO 2012 Chicago", "South China Sea navigation Vientiane"):
        np.testing.assert_array_equal(index._p.paragraphs.scores(tokenize(question)), joined.scores(tokenize(question)))


TOPICS = ["trade", "Georgia", "navigation", "fraud", "climate", "vaccines", "Afghanistan", "ransomware"]


@pytest.fixture
def fast_index(fake_encoder) -> HybridIndex:
    """80 paragraphs of two sentences whose vector sets are fast scans, as from 10,000 vectors."""
    from embeddings.vector_index import IndexKind, VectorIndex

    def name(i: int) -> str:  # a word of each paragraph's own, so that no two vectors tie
        return "abcdefghij"[i % 10] + "klmnopqrst"[i // 10] + "zed"

    texts = [f"Paragraph {name(i)} speaks of {TOPICS[i % 8]} and {TOPICS[i * 3 % 8]}. Leaders met on {TOPICS[i % 5]} "
             f"with {name(79 - i)} {name(i * 7 % 80)}." for i in range(80)]
    built = HybridIndex.build(texts, fake_encoder, fields=[f"Declaration {i // 10}" for i in range(80)],
                              groups=[f"d{i // 10}" for i in range(80)])

    noise = np.random.default_rng(0)

    def fast(vectors: VectorIndex) -> VectorIndex:  # a little noise: the hashed words' cosines tie
        stored = vectors.reconstruct(np.arange(vectors.count))
        return VectorIndex.build(_unit(stored + 0.02 * noise.standard_normal(stored.shape)), kind=IndexKind.FASTSCAN)

    parts = dataclasses.replace(built._p, paragraph_vectors=fast(built._p.paragraph_vectors),
                                sentence_vectors=fast(built._p.sentence_vectors))
    # 30 candidates of 40 allowed: the scans are searched, and their codes' best 3 x 30 are all the
    # allowed, so what they find is exact, as the filtered scan's (the approximation is
    # tests/embeddings/test_vector_subset.py's to measure).
    index = HybridIndex(fake_encoder, parts, weights=Weights(candidates=30))
    assert index._p.paragraph_vectors.kind is IndexKind.FASTSCAN
    return index


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _ready(index: HybridIndex, narrowed):
    return index._subsets[narrowed].result(timeout=60)


QUESTIONS = ["Georgia and fraud", "What did leaders say on climate?", "vaccines with dmzed", "trade navigation"]


def test_a_filter_searched_again_searches_scans_of_its_own_and_ranks_the_same(fast_index, monkeypatch) -> None:
    mask = np.zeros(fast_index.size, dtype=bool)
    mask[10:50] = True
    narrowed = fast_index.narrowed(mask)
    expected = [fast_index.search(q, k=4, allowed=mask) for q in QUESTIONS]
    assert fast_index.search(QUESTIONS[0], k=4, allowed=narrowed) == expected[0]
    assert narrowed not in fast_index._subsets  # one search: nothing built
    assert fast_index.search(QUESTIONS[0], k=4, allowed=narrowed) == expected[0]
    paragraphs, sentences = _ready(fast_index, narrowed)  # built from the second search
    assert paragraphs.ids.tolist() == list(range(10, 50))
    assert sentences.count == int(narrowed.sentences.sum()) == 80

    def no_filtered_scan(*args, **kwargs):
        raise AssertionError("the filter's own scans should have been searched")

    monkeypatch.setattr(fast_index._p.paragraph_vectors, "search", no_filtered_scan)
    monkeypatch.setattr(fast_index._p.sentence_vectors, "search", no_filtered_scan)
    assert [fast_index.search(q, k=4, allowed=narrowed) for q in QUESTIONS] == expected


def test_an_index_keeps_the_scans_of_four_filters_and_a_fifth_takes_the_place_of_one_left_idle(fast_index) -> None:
    from qa.search.retrieval import SUBSET_IDLE_SEARCHES, SUBSETS_KEPT

    fast_index.weights = Weights(candidates=5)  # filters of 16 paragraphs are searched by vector
    filters = []
    for start in range(SUBSETS_KEPT + 1):  # 48 vectors each: four hold fewer than the index's 240
        mask = np.zeros(fast_index.size, dtype=bool)
        mask[start * 16 : start * 16 + 16] = True
        filters.append(fast_index.narrowed(mask))
        for _ in range(2):
            fast_index.search("Georgia", k=3, allowed=filters[-1])
    assert list(fast_index._subsets) == filters[:SUBSETS_KEPT]  # the fifth waits: the others are in use
    for _ in range(SUBSET_IDLE_SEARCHES):  # the fifth, and the others but the first, searched again
        for kept in [filters[-1], *filters[1:SUBSETS_KEPT]]:
            fast_index.search("Georgia", k=3, allowed=kept)
    assert set(fast_index._subsets) == set(filters[1:])  # the first, left idle, gave its place
    _ready(fast_index, filters[-1])


def test_scans_that_cannot_be_built_leave_the_filter_searched_as_before(fast_index, monkeypatch, caplog) -> None:
    import qa.search.retrieval as retrieval

    def no_memory(*args, **kwargs):
        raise MemoryError("no room for the scans")

    monkeypatch.setattr(retrieval, "Subset", no_memory)
    mask = np.arange(fast_index.size) % 2 == 0
    narrowed = fast_index.narrowed(mask)
    with caplog.at_level("WARNING", logger="qa.search.retrieval"):
        for _ in range(2):
            fast_index.search("climate", k=3, allowed=narrowed)
        with pytest.raises(MemoryError):
            _ready(fast_index, narrowed)
        assert fast_index.search("climate", k=3, allowed=narrowed) == fast_index.search("climate", k=3, allowed=mask)
    assert "could not be built" in caplog.text


def test_a_scan_index_takes_the_filter_itself(index) -> None:
    narrowed = index.narrowed(np.array([True, True, False, True, False]))
    for _ in range(3):
        hits = index.search("NATO Russia", k=5, allowed=narrowed)
    assert {h.row for h in hits} <= {0, 1, 3} and not index._subsets


@pytest.mark.parametrize("allowed", [np.ones(4, dtype=bool), np.ones(5, dtype=np.int64)])
def test_a_filter_is_one_bool_per_paragraph(index, allowed) -> None:
    with pytest.raises(ValueError, match="one bool per paragraph"):
        index.narrowed(allowed)


def test_the_scans_kept_hold_no_more_vectors_than_the_index(fast_index) -> None:
    from qa.search.retrieval import SUBSET_IDLE_SEARCHES

    wide = []
    for start in (0, 20):  # 60 of 80 paragraphs each (180 vectors): two would hold more than the index's 240
        mask = np.zeros(fast_index.size, dtype=bool)
        mask[start : start + 40] = True
        mask[(start + 60) % 80 : (start + 60) % 80 + 20] = True
        wide.append(fast_index.narrowed(mask))
        for _ in range(2):
            fast_index.search("Georgia", k=3, allowed=wide[-1])
    assert list(fast_index._subsets) == [wide[0]]  # the second waits: the first is in use
    narrow = fast_index.narrowed(np.arange(fast_index.size) < 35)  # 105 vectors: beside 180, too many
    for _ in range(SUBSET_IDLE_SEARCHES + 1):
        fast_index.search("Georgia", k=3, allowed=narrow)
    assert list(fast_index._subsets) == [narrow]  # the wide ones, left idle, made room


def test_a_filter_made_by_another_index_never_lets_other_rows_in(fake_encoder) -> None:
    # After Library.add or remove, a search that began on the old index can be handed the new
    # one's filter (qa.library.Library._rank reads self._index before self._allowed runs). Its
    # sentence mask then allowed the other index's sentences, whose rows the filter excludes.
    texts = ["Alpha paragraph on trade. Tariffs were cut.", "Bravo paragraph on climate. Emissions must fall.",
             "Charlie paragraph on vaccines. Doses were shared.", "Delta paragraph on fraud and gambling."]

    def splitting(first: str):
        def split(text: str) -> list[tuple[int, int]]:
            if not text.startswith(first):
                return [(0, len(text))]
            cut = text.index(". ") + 1
            return [(0, cut), (cut + 1, len(text))]
        return split

    def index(first: str) -> HybridIndex:
        built = HybridIndex.build(texts, fake_encoder, split=splitting(first))
        return HybridIndex(fake_encoder, built._p, weights=Weights(candidates=1))  # the vectors are searched

    before, after = index("Alpha"), index("Bravo")
    assert len(before._p.spans) == len(after._p.spans) == 5  # the same count, not the same rows
    mask = np.array([True, False, True, False])
    question = "Bravo paragraph on climate"
    hits = after.search(question, k=1, allowed=before.narrowed(mask))  # k=1: 2 rows > 1 candidate
    assert {h.row for h in hits} <= {0, 2}
    assert hits == after.search(question, k=1, allowed=mask)


def _gated_subsets(monkeypatch):
    """Make the filter scans wait for the returned event: a build that takes as long as a test needs."""
    import threading

    import qa.search.retrieval as retrieval

    gate, real = threading.Event(), retrieval.Subset

    def slow(vectors, ids):
        assert gate.wait(60), "the test never let the build finish"
        return real(vectors, ids)

    monkeypatch.setattr(retrieval, "Subset", slow)
    return gate


def _builders() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "qa-filter-scans"]


def _join_builders() -> None:
    """Wait for every filter-scan builder (an earlier test's too) to end."""
    for thread in _builders():
        thread.join(60)


def _masks(index: HybridIndex, count: int) -> list[np.ndarray]:
    masks = []
    for start in range(count):
        mask = np.zeros(index.size, dtype=bool)
        mask[start * 12 : start * 12 + 16] = True
        masks.append(mask)
    return masks


def test_an_index_builds_one_filter_scan_at_a_time(fast_index, monkeypatch) -> None:
    # A web app whose users keep more filters than the index keeps scans of: each search of a
    # filter whose scans were let go started another build on a thread of its own, however many
    # were running (12 at once after these 18 searches).
    from qa.search.retrieval import SUBSETS_KEPT

    fast_index.weights = Weights(candidates=5)  # filters of 16 paragraphs are searched by vector
    _join_builders()
    gate = _gated_subsets(monkeypatch)
    masks = _masks(fast_index, SUBSETS_KEPT + 2)
    filters = [fast_index.narrowed(mask) for mask in masks]
    try:
        for _ in range(3):
            for narrowed in filters:
                fast_index.search("Georgia", k=3, allowed=narrowed)
        running = _builders()
    finally:
        gate.set()
    _join_builders()
    assert len(running) == 1
    for narrowed in filters[:SUBSETS_KEPT]:  # the first four were built in turn; the others wait
        assert _ready(fast_index, narrowed)[0].count == 16
    for narrowed, mask in zip(filters, masks):  # and every filter ranks as its mask does
        assert fast_index.search("Georgia fraud", k=3, allowed=narrowed) == fast_index.search("Georgia fraud", k=3, allowed=mask)
    assert list(fast_index._subsets) == filters[:SUBSETS_KEPT]
    _join_builders()


def test_threads_searching_one_filter_at_once_build_its_scans_once_and_rank_as_its_mask(fast_index, monkeypatch) -> None:
    import threading

    import qa.search.retrieval as retrieval

    calls, real = [], retrieval.Subset
    monkeypatch.setattr(retrieval, "Subset", lambda vectors, ids: calls.append(len(ids)) or real(vectors, ids))
    mask = np.zeros(fast_index.size, dtype=bool)
    mask[20:70] = True
    narrowed = fast_index.narrowed(mask)
    expected = {q: fast_index.search(q, k=4, allowed=mask) for q in QUESTIONS}
    start, found, errors = threading.Barrier(6), [], []

    def ask() -> None:
        try:
            start.wait(30)
            for _ in range(4):
                found.extend((q, fast_index.search(q, k=4, allowed=narrowed)) for q in QUESTIONS)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    _ready(fast_index, narrowed)
    assert not errors and len(found) == 6 * 4 * len(QUESTIONS)
    assert all(hits == expected[q] for q, hits in found)
    assert sorted(calls) == [50, 100]  # one build: the paragraphs and their sentences, once
    assert narrowed.searches == len(found)


def test_a_filter_of_every_row_builds_no_scans(fast_index) -> None:
    # A Narrowed that allows every row searches as no filter does; a scan of its own would hold
    # a second float16 copy of every vector (41 MB over the whole ../shared library).
    narrowed = fast_index.narrowed(np.ones(fast_index.size, dtype=bool))
    for _ in range(3):
        hits = fast_index.search("climate", k=3, allowed=narrowed)
    _join_builders()
    assert not fast_index._subsets
    assert hits == fast_index.search("climate", k=3)


def test_a_process_does_not_fork_while_a_filter_scan_is_built(fast_index, monkeypatch) -> None:
    from qa.side_threads import fork_is_safe

    _join_builders()
    before = fork_is_safe()
    gate = _gated_subsets(monkeypatch)
    narrowed = fast_index.narrowed(np.arange(fast_index.size) < 60)
    try:
        for _ in range(2):
            fast_index.search("trade", k=3, allowed=narrowed)
        assert len(_builders()) == 1 and not fork_is_safe()
    finally:
        gate.set()
    _ready(fast_index, narrowed)
    _join_builders()
    assert fork_is_safe() == before


def test_two_wide_filters_searched_in_turn_use_the_scans_they_build(fast_index, monkeypatch) -> None:
    # When the newest filter's scans always stayed and evicted the older ones past the budget (as
    # many vectors as the index), two filters of 50 of the 80 paragraphs (150 vectors each, 240 in
    # the index) asked in turn, as two users of the web app might, had 18 builds for 20 searches
    # (100-330 ms of a core each over ../shared) and searched their scans 0 times.
    import qa.search.retrieval as retrieval

    _join_builders()
    calls, real = [], retrieval.Subset
    monkeypatch.setattr(retrieval, "Subset", lambda vectors, ids: calls.append(len(ids)) or real(vectors, ids))
    fast_index.weights = Weights(candidates=5)
    first, second = fast_index.narrowed(np.arange(80) < 50), fast_index.narrowed(np.arange(80) >= 30)
    for i in range(20):
        fast_index.search("trade climate", k=3, allowed=(first, second)[i % 2])
        _join_builders()
    assert len(calls) == 2 and list(fast_index._subsets) == [first]  # built once, kept: the second waits

    def never(*args, **kwargs):
        raise AssertionError("the first filter's own scans should have been searched")

    monkeypatch.setattr(fast_index._p.paragraph_vectors, "search", never)
    fast_index.search("trade climate", k=3, allowed=first)

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
    # Rows of a declaration titled by its subject (a resolution) earn none of it.
    titled = np.array([False, False, False, True, False])
    ev = index.evidence("What was said in Vientiane?", k=5, topical_title=titled)
    assert dict(zip(ev.rows.tolist(), ev.document.tolist())) == {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 1.0}


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
    """The tiny index searched with the side threads (as a library of SCANS_BESIDE_FROM sentences is:
    its word matching, sentence scan and sentence cosines) and without."""
    monkeypatch.setattr(index, "_side", request.param)
    monkeypatch.setattr(index, "_scans_beside", request.param)
    return index


def test_a_small_index_works_alone_and_ranks_as_with_side_threads(index, monkeypatch) -> None:
    from qa.search.retrieval import SIDE_WORK_FROM

    assert index.size < SIDE_WORK_FROM and not index._side and not index._scans_beside
    questions = ["Will Georgia become a member of NATO?", "Russia", "What was said in Vientiane?"]
    alone = [index.search(q, k=3) for q in questions]
    monkeypatch.setattr(index, "_side", True)
    assert [index.search(q, k=3) for q in questions] == alone
    monkeypatch.setattr(index, "_scans_beside", True)
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

    monkeypatch.setattr(index, "_side", True)  # as in a library of SCANS_BESIDE_FROM sentences
    monkeypatch.setattr(index, "_scans_beside", True)

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


def test_best_cosine_is_the_ranked_cosine_of_a_text_to_a_row(index) -> None:
    hit = index.search("Will Georgia become a member of NATO?", k=1)[0]
    assert index.best_cosine("Will Georgia become a member of NATO?", hit.row) == pytest.approx(hit.cosine, abs=1e-5)
    assert index.best_cosine("zebra quantum pancake", hit.row) < hit.cosine


@pytest.mark.parametrize("row", [-1, 5])
def test_best_cosine_of_a_row_outside_the_index_is_an_error(index, row: int) -> None:
    from qa.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match="row must lie in 0..4"):
        index.best_cosine("Georgia", row)

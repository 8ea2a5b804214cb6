from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from qa.errors import CorpusError, DocumentExistsError, InvalidOptionError, InvalidQuestionError, UnknownDocumentError
from qa.index.store import IndexStore
from qa.library import Library

NATO_TEXT = """Chicago Summit Declaration

1. We, the Heads of State and Government, have gathered in Chicago to renew our commitment.

2. The transition of full security responsibility from ISAF to the Afghan forces is on track for completion by the end of 2014. We welcome the announcement by President Karzai.

3. At the 2008 Bucharest Summit we agreed that Georgia will become a member of NATO. We welcome Georgia's progress.
"""

ASEAN_TEXT = """Chairman's Statement of the ASEAN-China Summit

1. We discussed the situation in the South China Sea. We reaffirmed freedom of navigation and overflight.

2. We agreed to fight telecommunication network fraud and online gambling crimes together.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "nato-2012.txt").write_text(NATO_TEXT, encoding="utf-8")
    (folder / "asean-2024.txt").write_text(ASEAN_TEXT, encoding="utf-8")
    return folder


def test_from_passages_ranks_the_matching_paragraph_first(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    hits = lib.search("Will Georgia become a member of NATO?", k=3)
    assert (hits[0].doc_id, hits[0].paragraph) == ("nato-2012", "29")
    assert hits[0].sentence.startswith("At the 2008 Bucharest Summit")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_highlight_is_a_sentence_of_the_verbatim_text(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    texts = {p["text"] for p in tiny_passages}
    for hit in lib.search("ISAF transition end of 2014", k=5):
        assert hit.text in texts
        start, end = hit.highlight
        assert 0 <= start < end <= len(hit.text)
        assert hit.text[start:end].strip() == hit.text[start:end]


def test_doc_ids_restrict_the_search(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    hits = lib.search("Georgia NATO member", k=5, doc_ids=["asean-2024"])
    assert hits and {h.doc_id for h in hits} == {"asean-2024"}


def test_k_larger_than_the_corpus_returns_every_paragraph_once(tiny_passages, fake_encoder) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    hits = lib.search("Georgia", k=50)
    assert len({(h.doc_id, h.paragraph) for h in hits}) == len(hits) <= len(tiny_passages)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda lib: lib.search("", k=3), InvalidQuestionError, "empty"),
        (lambda lib: lib.ask("x" * 100_000), InvalidQuestionError, "limit"),
        (lambda lib: lib.search("Georgia", k=0), InvalidOptionError, "k must be"),
        (lambda lib: lib.ask("Georgia", doc_ids=["nope"]), UnknownDocumentError, "Unknown declaration 'nope'"),
        (lambda lib: lib.ask("Georgia", doc_ids=5), InvalidOptionError, "doc_ids must be a declaration id"),
        (lambda lib: lib.search("Georgia", doc_ids=[5]), InvalidOptionError, "doc_ids must hold declaration ids"),
    ],
)
def test_bad_input_gets_a_clear_error(tiny_passages, fake_encoder, call, error, message) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    with pytest.raises(error, match=message):
        call(lib)


@pytest.mark.parametrize(
    ("passages", "message"),
    [
        ([], "No passages"),
        ([{"doc_id": "a", "text": "x"}], "lacks paragraph"),
        ([{"doc_id": "a", "paragraph": "1", "text": "   "}], "empty text"),
        ([{"doc_id": "a", "paragraph": "1", "text": "x"}, {"doc_id": "a", "paragraph": "1", "text": "y"}], "repeats"),
    ],
)
def test_from_passages_refuses_bad_passages(passages, message, fake_encoder) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        Library.from_passages(passages, encoder=fake_encoder)


def test_open_builds_then_loads_the_same_index(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    index = tmp_path / "index"
    first = Library.open(corpus, index, encoder=fake_encoder)
    assert first.report.built and first.report.paragraphs == 5
    again = Library.open(corpus, index, encoder=fake_encoder)
    assert not again.report.built
    question = "When will the ISAF transition be complete?"
    assert [h.to_dict() for h in first.search(question, k=5)] == [h.to_dict() for h in again.search(question, k=5)]
    assert again.search(question, k=1)[0].paragraph == "2"


def test_a_changed_declaration_triggers_a_rebuild_and_new_text(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)
    (corpus / "asean-2024.txt").write_text(ASEAN_TEXT + "\n3. We welcomed the durian trade protocol.\n")
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert lib.report.built and lib.report.reason == "corpus changed"
    assert lib.report.embedded < 6  # unchanged paragraphs came from the embedding cache
    assert lib.search("durian trade", k=1)[0].paragraph == "3"


def test_a_model_change_triggers_a_rebuild(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)
    fake_encoder.name = "fake:another-model"
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert lib.report.built and "model changed" in lib.report.reason


def test_damaged_index_files_are_rebuilt_not_trusted(corpus: Path, tmp_path: Path, fake_encoder, caplog) -> None:
    index = tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)
    build = IndexStore(index).current()
    assert build is not None
    for path in build.iterdir():
        if path.name != "manifest.json" and path.is_file():
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert lib.report.built and "damaged" in lib.report.reason
    assert "damaged" in caplog.text  # a notice through logging; the CLI shows it on stderr
    assert lib.search("Georgia member of NATO", k=1)[0].paragraph == "3"


def test_context_returns_the_neighbours(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    assert [p.number for p in lib.context("nato-2012", "2", before=1, after=1)] == ["1", "2", "3"]
    with pytest.raises(InvalidOptionError, match="no paragraph '9'"):
        lib.context("nato-2012", "9")


def test_an_empty_corpus_is_a_clear_error(tmp_path: Path, fake_encoder) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="No readable declaration"):
        Library.open(tmp_path / "empty", tmp_path / "index", encoder=fake_encoder)


def test_add_indexes_a_new_declaration_without_reembedding_the_rest(
    corpus: Path, tmp_path: Path, fake_encoder
) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    new = tmp_path / "g20-2022.txt"
    new.write_text("G20 Bali Leaders' Declaration\n\n1. We discussed debt relief for vulnerable countries.\n")
    added = lib.add(new)
    assert [d.doc_id for d in added] == ["g20-2022"]
    assert (corpus / "g20-2022.txt").is_file()
    assert lib.report.built and lib.report.embedded <= 2  # the new paragraph and its sentence
    assert lib.search("debt relief", k=1)[0].doc_id == "g20-2022"
    assert not Library.open(corpus, tmp_path / "index", encoder=fake_encoder).report.built


def test_add_refuses_an_existing_doc_id_unless_replacing(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    update = tmp_path / "nato-2012.txt"
    update.write_text("Chicago Summit Declaration\n\n1. We welcome the new partnership with Mongolia.\n")
    with pytest.raises(DocumentExistsError, match=r"^'nato-2012' is already in the corpus. Use replace=True to update it.$"):
        lib.add(update)  # the Python wording; the CLI says qa add --replace (tests/integration/test_cli.py)
    lib.add(update, replace=True)
    assert [p.number for p in lib.declaration("nato-2012").paragraphs] == ["1"]
    assert lib.search("Mongolia partnership", k=1)[0].doc_id == "nato-2012"


def test_add_refuses_a_copy_of_another_declaration(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    copy = tmp_path / "copy.txt"
    copy.write_text(NATO_TEXT, encoding="utf-8")
    with pytest.raises(InvalidOptionError, match="copy of the declaration 'nato-2012'"):
        lib.add(copy)
    assert not (corpus / "copy.txt").exists()


def test_add_of_an_unreadable_file_copies_nothing(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    from qa.errors import QAError

    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(QAError):
        lib.add(empty)
    assert not (corpus / "empty.txt").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("folder", r"folder is a folder; name the declaration files in it instead \(for example .*folder/\*\.txt\)"),
     ("missing", "cannot read .*missing: no such file")],
)
def test_add_of_a_folder_or_a_missing_path_says_so(corpus: Path, tmp_path: Path, fake_encoder, name, message) -> None:
    from qa.ingest.formats import UnreadableFileError

    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    (tmp_path / "folder").mkdir()
    with pytest.raises(UnreadableFileError, match=message):  # not "unsupported format '(no suffix)'"
        lib.add(tmp_path / name)


def test_remove_drops_a_declaration_from_corpus_and_index(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    lib.remove("asean-2024")
    assert not (corpus / "asean-2024.txt").exists()
    assert {h.doc_id for h in lib.search("South China Sea", k=5)} == {"nato-2012"}
    with pytest.raises(UnknownDocumentError):
        lib.remove("asean-2024")


def test_removing_the_last_declaration_is_refused_and_puts_its_file_back(
    corpus: Path, tmp_path: Path, fake_encoder
) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    lib.remove("asean-2024")
    with pytest.raises(CorpusError):
        lib.remove("nato-2012")
    assert (corpus / "nato-2012.txt").read_text(encoding="utf-8") == NATO_TEXT
    assert sorted(p.name for p in corpus.iterdir()) == ["nato-2012.txt"]  # nothing left behind
    assert [d.doc_id for d in lib.declarations] == ["nato-2012"]
    assert lib.search("Georgia member", k=1)[0].doc_id == "nato-2012"
    assert not Library.open(corpus, tmp_path / "index", encoder=fake_encoder).report.built


def test_an_in_memory_library_cannot_add(tiny_passages, fake_encoder, tmp_path: Path) -> None:
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    with pytest.raises(InvalidOptionError, match="in-memory"):
        lib.add(tmp_path / "x.txt")


def test_an_index_of_an_older_format_is_rebuilt(corpus: Path, tmp_path: Path, fake_encoder, monkeypatch) -> None:
    import qa.index.build

    index = tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)
    monkeypatch.setattr(qa.index.build, "FORMAT_VERSION", -1)
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert lib.report.built and lib.report.reason == "index format changed"


def test_an_index_whose_sentences_were_cut_by_other_rules_is_rebuilt(corpus: Path, tmp_path: Path, fake_encoder,
                                                                    monkeypatch) -> None:
    import qa.index.build

    index = tmp_path / "index"
    Library.open(corpus, index, encoder=fake_encoder)
    monkeypatch.setattr(qa.index.build, "rules_version", lambda: "other rules")
    lib = Library.open(corpus, index, encoder=fake_encoder)
    assert lib.report.built and lib.report.reason == "sentence splitting changed"
    assert not Library.open(corpus, index, encoder=fake_encoder).report.built


def test_every_hit_gets_the_second_look_at_its_two_best_sentences(fake_encoder) -> None:
    from qa.search.fusion import second_look

    text = ("After Temüjin married Börte, his wife was kidnapped by the Merkits. "
            "Temüjin rescued her with the help of his friend and future rival, Jamukha. "
            "She gave birth to a son, Jochi, nine months later.")
    passages = [{"doc_id": "khan", "paragraph": "1", "text": text},
                {"doc_id": "khan", "paragraph": "2", "text": "Temüjin later became Genghis Khan."}]
    lib = Library.from_passages(passages, encoder=fake_encoder)
    question = "Who helped Temüjin rescue his wife from the Merkits?"
    index = lib._index
    ev = index.evidence(question, k=2)
    plain = index.rank(ev, k=1)[0]  # the highlight alone takes the sentence with more of the words
    assert text[plain.sentence[0]:plain.sentence[1]].startswith("After Temüjin married")

    def whole(sentence: int) -> str:
        start, end = index._p.extents[sentence]
        return lib._text(int(index._p.spans[sentence, 0]))[start:end]

    for hit in lib.search(question, k=2):
        i = int(np.flatnonzero(ev.rows == (0 if hit.paragraph == "1" else 1))[0])
        assert hit.highlight == tuple(int(x) for x in index._p.extents[second_look(ev, i, index.weights, whole=whole)])
    assert lib.search(question, k=1)[0].sentence.startswith("Temüjin rescued her")



def test_preambular_paragraphs_are_clauses_numbered_p_that_run_on() -> None:
    from qa.documents import Paragraph

    numbers = {"P3": True, "annex I P2": True, "3": False, "Article 14(2)": False, "Preamble": False, "9-a": False}
    assert {n: Paragraph("d", n, "Recalling its resolution 77/1,").preambular for n in numbers} == numbers
    texts = {
        "Recalling its resolution 77/1 of 1 December 2022, ": True,  # a General Assembly preamble
        "RECOGNISING the important role of smart digital development;": True,  # an ASEAN statement's
        # a communiqué's unnumbered opening: whole sentences saying what was agreed
        "Reinvigorate our economies by advancing recovery plans that build on the $12 trillion of support.": False,
        "We, the leaders of the Group of Seven, met in Cornwall on 11-13 June 2021 and agreed to:": False,
        "Reinforcing multilateral responses to transatlantic and global challenges": False,  # a heading
    }
    assert {t: Paragraph("d", "P2", t).preambular for t in texts} == texts


def test_a_preamble_ranks_below_an_operative_paragraph_of_the_same_words(tmp_path: Path, fake_encoder) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    words = "the commitment to phase out inefficient fossil fuel subsidies over the medium term"
    (folder / "a-resolution.txt").write_text(
        f"Resolution on energy\n\nRecalling {words},\n\n1. Welcomes the report on oceans.\n", encoding="utf-8")
    (folder / "b-communique.txt").write_text(
        f"Energy communique\n\n1. We reaffirm {words}.\n\n2. We met in Rome.\n", encoding="utf-8")
    lib = Library.open(folder, tmp_path / "index", encoder=fake_encoder)
    assert lib.declaration("a-resolution").paragraphs[0].number == "P1"
    hits = lib.search("fossil fuel subsidies", k=2)
    assert [(h.doc_id, h.paragraph) for h in hits] == [("b-communique", "1"), ("a-resolution", "P1")]


def test_a_filter_is_kept_for_the_next_search_and_forgotten_when_the_library_changes(
    corpus: Path, tmp_path: Path, fake_encoder
) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    first = lib.search("Georgia member", k=3, doc_ids="nato-2012")
    assert {h.doc_id for h in first} == {"nato-2012"} and len(first) == 3
    assert lib.search("Georgia member", k=3, doc_ids="nato-2012") == first  # from the kept rows
    assert lib.ask("Georgia member", k=3, doc_ids="nato-2012").hits == first
    new = tmp_path / "g20-2022.txt"
    new.write_text("G20 Bali Leaders' Declaration\n\n1. We discussed debt relief and Georgia's membership.\n")
    lib.add(new)  # one more row: rows kept for the old library would no longer fit
    assert {h.doc_id for h in lib.search("Georgia member", k=5, doc_ids="nato-2012")} == {"nato-2012"}
    assert {h.doc_id for h in lib.search("debt relief", k=5, doc_ids=["g20-2022", "nato-2012"])} == {"g20-2022", "nato-2012"}


def test_searches_from_many_threads_with_more_filters_than_are_kept(tiny_passages, fake_encoder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from qa.library_state import MASKS_KEPT

    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    years = list(range(2012 - 2 * MASKS_KEPT, 2013))  # every one a filter of its own

    def ask(year: int) -> set[str]:
        return {h.doc_id for h in lib.search("Georgia", k=5, year_from=year, year_to=2020)}

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(ask, years * 4))
    assert found == [{"nato-2012"}] * len(found)  # 2012 to 2020 holds NATO's alone
    assert len(lib._state.masks) <= MASKS_KEPT


def test_the_build_encoder_is_made_after_the_text_is_split_and_tagged(
    corpus: Path, tmp_path: Path, fake_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenVINO starts threads when it compiles the model; splitting and tagging fork worker
    processes, which a process may do only while it runs one thread (qa.text.parallel)."""
    import qa.index.build
    from qa.text.entities import EntityTagger
    from qa.text.sentence_cache import SentenceCache

    steps: list[str] = []
    split_many, tag = SentenceCache.split_many, EntityTagger.tag
    monkeypatch.setattr(SentenceCache, "split_many", lambda self, texts: (steps.append("split"), split_many(self, texts))[1])
    monkeypatch.setattr(EntityTagger, "tag", lambda self, texts: (steps.append("tag"), tag(self, texts))[1])
    monkeypatch.setattr(qa.index.build, "_build_encoder", lambda store, encoder: (steps.append("encoder"), encoder)[1])
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    assert steps == ["split", "tag", "encoder"]
    assert lib.report.built and lib.report.embedded > 0


def test_a_search_running_while_the_library_changes_quotes_what_it_ranked(
    corpus: Path, tmp_path: Path, fake_encoder
) -> None:
    """add() swaps in a new version whole (qa.library_state); a search that ranked on the old
    index must quote the old rows. Read attribute by attribute, it quoted the new version's
    paragraph at each ranked row: another declaration's words under the ranked one's citation."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    expected = lib.search("Georgia member", k=3)
    old_index = lib._index
    ranked, release = threading.Event(), threading.Event()
    real = old_index.search

    def held(*args, **kwargs):
        found = real(*args, **kwargs)
        ranked.set()
        release.wait(10)
        return found

    old_index.search = held
    new = tmp_path / "aaa-2020.txt"  # sorts first: every old row moves
    new.write_text("Joint Statement\n\n" + "\n\n".join(f"{n}. Paragraph {n} on trade and fisheries." for n in range(1, 6)) + "\n")
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(lib.search, "Georgia member", k=3)
        assert ranked.wait(10)
        lib.add(new)
        release.set()
        assert running.result(timeout=10) == expected
    assert lib.declarations[0].doc_id == "aaa-2020" and lib._index is not old_index
    assert "Georgia" in lib.search("Georgia member", k=1)[0].text  # the new version answers from its own rows


def test_adding_a_declaration_retires_the_old_index(corpus: Path, tmp_path: Path, fake_encoder) -> None:
    lib = Library.open(corpus, tmp_path / "index", encoder=fake_encoder)
    old_index = lib._index
    new = tmp_path / "g20-2022.txt"
    new.write_text("G20 Bali Leaders' Declaration\n\n1. We discussed debt relief.\n")
    lib.add(new)
    assert old_index._scans._retired and not lib._index._scans._retired
    lib.remove("g20-2022")
    assert lib._index is not old_index and not lib._index._scans._retired


def test_a_library_whose_off_topic_probes_come_close_asks_more_of_the_meaning(tiny_passages, fake_encoder) -> None:
    import dataclasses

    from qa.search.abstention import needed_cosine
    from qa.search.off_topic import ProbeNeighbours

    question = "We welcome Georgia's progress towards meeting its goals, says the alliance of many nations"
    lib = Library.from_passages(tiny_passages, encoder=fake_encoder)
    answer = lib.ask(question)
    assert answer.found  # by its meaning alone: cosine 0.81, its words cover under half of it
    # The fake encoder's probes sit where they sit: the tiny library needs their quantile (or 0.43).
    tiny_needs = lib.answer_cosine
    assert tiny_needs == pytest.approx(needed_cosine(lib._index.probe_cosines()))
    index = lib._index
    near = np.full((200, 1), 0.9, dtype=np.float32)  # every probe's nearest paragraph, and sentence, at 0.9
    last = int(np.flatnonzero(index._p.spans[:, 0] == index.size - 1)[0])  # ASEAN's last paragraph, its first sentence
    paragraph, sentence = np.full((200, 1), index.size - 1, dtype=np.int64), np.full((200, 1), last, dtype=np.int64)
    index._p = dataclasses.replace(index._p, probes=ProbeNeighbours(paragraph, near, sentence, near))
    closer = Library(lib.declarations, index)
    assert closer._state.min_cosine == pytest.approx(0.9) == closer.answer_cosine
    assert tiny_needs < 0.9
    refused = closer.ask(question)
    assert not refused.found and refused.hits == answer.hits  # the same quotes, as the nearest passages
    # Narrowed to a declaration whose rows no probe comes near, the calibrated threshold holds again.
    assert closer._state.min_cosine_for(closer._filters("nato-2012", None, None, None, None)) == pytest.approx(0.43)
    narrowed = closer.ask(question, doc_ids="nato-2012")
    assert narrowed.found and narrowed.hits[0] == answer.hits[0]
    assert closer._state.min_cosine_for(closer._filters("asean-2024", None, None, None, None)) == pytest.approx(0.9)


def test_a_resolutions_title_names_its_topic_and_earns_no_declaration_match(fake_encoder) -> None:
    # The General Assembly titles a resolution by its subject ("Protection of migrants"); a question
    # on that subject matches the title on every paragraph, which must not lift them over a text that
    # answers as well or better (held-out line 8 over the whole ../shared library).
    rows = [
        {"doc_id": "decl", "paragraph": "1", "title": "Los Angeles Declaration", "date": "2022-06-10",
         "text": "Xenophobia against migrants must end."},
        {"doc_id": "decl", "paragraph": "2", "title": "Los Angeles Declaration", "date": "2022-06-10", "text": "We welcome refugees."},
        {"doc_id": "a-res", "paragraph": "1", "title": "Xenophobia against migrants", "date": "2023-12-19",
         "text": "Xenophobia against migrants must end now."},
        {"doc_id": "a-res", "paragraph": "2", "title": "Xenophobia against migrants", "date": "2023-12-19", "text": "Requests a report."},
    ]
    plain = Library.from_passages(rows, encoder=fake_encoder)
    assert [h.doc_id for h in plain.search("xenophobia against migrants", k=2)] == ["a-res", "decl"]  # by its title
    resolution = Library([dataclasses.replace(d, kind="resolution") if d.doc_id == "a-res" else d
                          for d in plain.declarations], plain._index)
    assert resolution._state.topical_title.tolist() == [False, False, True, True]
    assert [h.doc_id for h in resolution.search("xenophobia against migrants", k=2)] == ["decl", "a-res"]


def test_who_a_library_names_is_read_once_from_its_people_and_one_word_places(fake_encoder) -> None:
    from qa.library_state import LibraryState
    from qa.search.retrieval import HybridIndex

    class Tagger:  # entities by hand, where the paragraph holds two whole sentences (as built)
        def tag(self, texts):
            return [[("PERSON", "Prime Minister Kishida Fumio"), ("GPE", "Member States"), ("GPE", "India"),
                     ("ORG", "the Commission")] for _ in texts]

        def save(self):
            pass

    rows = [{"doc_id": "d", "paragraph": "1", "text": "Kishida Fumio met leaders of India. The Member States agreed."}]
    plain = Library.from_passages(rows, encoder=fake_encoder)
    index = HybridIndex.build([r["text"] for r in rows], fake_encoder, tagger=Tagger())
    state = LibraryState(plain.declarations, index)
    people = state.named_people()
    assert {"kishida", "fumio", "india"} <= people
    assert not {"member", "states", "commission"} & people  # a word of a place of several, an organisation
    assert state.named_people() is people

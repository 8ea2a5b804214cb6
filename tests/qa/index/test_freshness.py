"""Tests for qa/index/freshness.py: an up-to-date library opens without reading its corpus again."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from qa.errors import CorpusError
from qa.index.declarations_file import DECLARATIONS
from qa.index.store import IndexStore
from qa.library import Library

NATO = "Chicago Summit Declaration\n\n1. Georgia will become a member of NATO.\n\n2. ISAF ends in 2014.\n"
ASEAN = "ASEAN-China Summit\n\n1. We discussed the South China Sea.\n\n2. We fought online gambling.\n"
G7 = "Carbis Bay G7 Summit Communiqué\n\n1. We will share 870 million doses of vaccines.\n"


@pytest.fixture
def folders(tmp_path: Path) -> list[Path]:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "nato-2012.txt").write_text(NATO, encoding="utf-8")
    (one / "asean-2024.txt").write_text(ASEAN, encoding="utf-8")
    (two / "g7-2021-carbis-bay.txt").write_text(G7, encoding="utf-8")
    (two / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    return [one, two]


def _touch(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_an_unchanged_corpus_is_neither_hashed_nor_parsed(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    index = tmp_path / "index"
    first = Library.open(folders, index, encoder=fake_encoder)
    assert first.report.built and first.report.parsed == 4 and len(first.declarations) == 3
    import qa.index.freshness as freshness

    hash_file = freshness.sha256_file

    def no_reading(path, *args, **kwargs):
        raise AssertionError(f"an unchanged file was read: {path}")

    def no_hashing(path: Path) -> str:
        if any(folder in Path(path).parents for folder in folders):
            raise AssertionError(f"an unchanged file was hashed: {path}")
        return hash_file(path)  # the build's own files are checked, as always

    monkeypatch.setattr(freshness, "read_files", no_reading)
    monkeypatch.setattr(freshness, "sha256_file", no_hashing)
    again = Library.open(folders, index, encoder=fake_encoder)
    assert not again.report.built and (again.report.hashed, again.report.parsed) == (0, 0)
    assert again.declarations == first.declarations
    assert [s.path for s in again.report.skipped] == [str(folders[1] / "broken.pdf")]
    assert again.ask("Will Georgia join NATO?", k=1).hits[0].doc_id == "nato-2012"


def test_the_same_folders_named_another_way_are_the_same_corpus(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    """A relative name, an absolute one and a symbolic link to the folder all open the library
    as built: nothing hashed or parsed (named as given, every file was read again)."""
    index = tmp_path / "index"
    monkeypatch.chdir(tmp_path)
    first = Library.open([Path("one"), Path("two")], index, encoder=fake_encoder)
    assert first.report.built
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link-to-one").symlink_to(folders[0], target_is_directory=True)
    monkeypatch.chdir(tmp_path / "elsewhere")
    for names in ([tmp_path / "one", tmp_path / "two"], [Path("../one"), Path("../two")],
                  [Path("../link-to-one"), Path("../two"), Path("../one")]):  # the last is the first again
        again = Library.open(names, index, encoder=fake_encoder)
        assert not again.report.built and (again.report.hashed, again.report.parsed) == (0, 0), names
        assert [(d.doc_id, d.paragraphs) for d in again.declarations] == [(d.doc_id, d.paragraphs) for d in first.declarations]
        # each file as it is named now: what remove deletes, and how a skipped file is reported
        assert again.declaration("nato-2012").source == str(names[0] / "nato-2012.txt")
        assert [s.path for s in again.report.skipped] == [str(names[1] / "broken.pdf")]
    changed = folders[1] / "g7-2021-carbis-bay.txt"
    changed.write_text(G7.replace("870", "900"), encoding="utf-8")
    _touch(changed)
    reread = Library.open([Path("../one"), Path("../two")], index, encoder=fake_encoder)
    assert (reread.report.hashed, reread.report.parsed) == (1, 1)  # and a real change is still seen
    assert reread.declaration("nato-2012").source == str(Path("../one/nato-2012.txt"))
    reread.remove("nato-2012")  # named as this library names it, from this working folder
    assert not (folders[0] / "nato-2012.txt").exists()
    assert [d.doc_id for d in reread.declarations] == ["asean-2024", "g7-2021-carbis-bay"]


def test_a_link_to_a_file_stays_a_file_of_its_own(folders, tmp_path, fake_encoder) -> None:
    """A link to another file of the folder is skipped as a duplicate, under its own name: the
    file it points to keeps its declaration, whatever else changes later."""
    index = tmp_path / "index"
    (folders[0] / "zlink.txt").symlink_to(folders[0] / "nato-2012.txt")
    for _ in range(2):
        lib = Library.open(folders, index, encoder=fake_encoder)
        assert [d.doc_id for d in lib.declarations] == ["asean-2024", "g7-2021-carbis-bay", "nato-2012"]
        assert sorted(Path(s.path).name for s in lib.report.skipped) == ["broken.pdf", "zlink.txt"]
    (folders[0] / "asean-2024.txt").write_text(ASEAN + "\n3. We welcomed the durian trade protocol.\n", encoding="utf-8")
    lib = Library.open(folders, index, encoder=fake_encoder)
    assert [d.doc_id for d in lib.declarations] == ["asean-2024", "g7-2021-carbis-bay", "nato-2012"]


def test_a_manifest_naming_files_as_given_is_read_as_before(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    """An index built before files were named by their resolved folder, opened from the same
    working folder, reads nothing again."""
    index = tmp_path / "index"
    monkeypatch.chdir(tmp_path)
    Library.open([Path("one"), Path("two")], index, encoder=fake_encoder)
    store = IndexStore(index)
    build = store.current()
    manifest = store.read_manifest(build)
    as_given = {str(Path(name).relative_to(tmp_path)) if Path(name).is_relative_to(tmp_path) else name: state
                for name, state in manifest.sources.items()}
    assert "one/nato-2012.txt" in as_given
    store.rewrite_manifest(build, dataclasses.replace(manifest, sources=as_given))
    again = Library.open([Path("one"), Path("two")], index, encoder=fake_encoder)
    assert not again.report.built and (again.report.hashed, again.report.parsed) == (0, 0)


def test_a_touched_file_is_hashed_not_parsed_and_its_time_remembered(folders, tmp_path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    _touch(folders[0] / "nato-2012.txt")
    touched = Library.open(folders, index, encoder=fake_encoder)
    assert not touched.report.built and (touched.report.hashed, touched.report.parsed) == (1, 0)
    after = Library.open(folders, index, encoder=fake_encoder)
    assert (after.report.hashed, after.report.parsed) == (0, 0)  # the new time is in the manifest


def test_a_changed_file_is_parsed_again_and_only_it(folders, tmp_path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    (folders[0] / "asean-2024.txt").write_text(ASEAN + "\n3. We welcomed the durian trade protocol.\n", encoding="utf-8")
    lib = Library.open(folders, index, encoder=fake_encoder)
    assert lib.report.built and lib.report.reason == "corpus changed" and lib.report.parsed == 1  # broken.pdf is not read again
    assert len(lib.declaration("asean-2024").paragraphs) == 3


def test_check_hashes_every_file(folders, tmp_path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    checked = Library.open(folders, index, encoder=fake_encoder, check=True)
    assert not checked.report.built and checked.report.hashed == 3 and checked.report.parsed == 1  # broken.pdf


def test_a_changed_catalog_reads_every_file_again(folders, tmp_path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    (folders[0] / "catalog.toml").write_text('["nato-2012"]\nissuer = "NATO"\n', encoding="utf-8")
    lib = Library.open(folders, index, encoder=fake_encoder)
    assert lib.report.parsed == 4 and lib.declaration("nato-2012").issuer == "NATO"


def test_added_and_removed_files_are_seen(folders, tmp_path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    (folders[1] / "g7-2021-carbis-bay.txt").unlink()
    lib = Library.open(folders, index, encoder=fake_encoder)
    assert [d.doc_id for d in lib.declarations] == ["asean-2024", "nato-2012"]


def test_parsed_declarations_are_plain_json_checked_before_use(folders, tmp_path, fake_encoder) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    build = IndexStore(index).current()
    rows = json.loads((build / DECLARATIONS).read_text(encoding="utf-8"))
    assert {r["doc_id"] for r in rows} == {"asean-2024", "nato-2012", "g7-2021-carbis-bay"}
    (build / DECLARATIONS).write_text("[]", encoding="utf-8")  # edited: fails its checksum
    lib = Library.open(folders, index, encoder=fake_encoder)
    assert len(lib.declarations) == 3 and lib.report.built


def test_parsed_declarations_read_back_as_the_records_they_were(folders, tmp_path, fake_encoder) -> None:
    from dataclasses import asdict, fields

    from qa.documents import Paragraph
    from qa.errors import DamagedIndexError
    from qa.index.declarations_file import read_declarations, write_declarations

    declarations = Library.open(folders, tmp_path / "index", encoder=fake_encoder).declarations
    marked = Paragraph("nato-2012", "3", "Allies agree.", footnotes=("See annex.",), item_starts=(0,),
                       footnote_marks=((6, "1"),), section="Defence")
    declarations = [declarations[0].__class__(**{**declarations[0].__dict__,
                                                 "paragraphs": (*declarations[0].paragraphs, marked)}), *declarations[1:]]
    path = tmp_path / DECLARATIONS
    write_declarations(path, declarations)
    back = read_declarations(path)
    assert back == declarations and [asdict(d) for d in back] == [asdict(d) for d in declarations]
    got = back[0].paragraphs[-1]
    assert (got.footnotes, got.item_starts, got.footnote_marks) == (("See annex.",), (0,), ((6, "1"),))
    assert hash(got) == hash(marked) and got.label == "¶3"
    rows = json.loads(path.read_text(encoding="utf-8"))
    # a paragraph written otherwise (fields in another order, defaults left out) reads the same
    defaults = {f.name: list(f.default) if isinstance(f.default, tuple) else f.default for f in fields(Paragraph)}
    rows[0]["paragraphs"] = [dict(reversed([(k, v) for k, v in row.items() if v != defaults[k]]))
                             for row in rows[0]["paragraphs"]]
    assert any(len(row) < len(defaults) for row in rows[0]["paragraphs"])
    path.write_text(json.dumps(rows), encoding="utf-8")
    again = read_declarations(path)
    assert again == declarations and [list(vars(p)) for p in again[0].paragraphs] == [list(vars(p)) for p in declarations[0].paragraphs]
    rows[0]["paragraphs"][0]["footnotes"] = None
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(DamagedIndexError):
        read_declarations(path)
    rows[0]["paragraphs"][0]["footnotes"] = []
    del rows[0]["paragraphs"][0]["text"]
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(DamagedIndexError, match="text"):
        read_declarations(path)
    path.write_bytes(b'[{"doc_id": "' + bytes([0xFF, 0xFE]) + b'"}]')  # not UTF-8
    with pytest.raises(DamagedIndexError):
        read_declarations(path)


def test_an_index_loading_lets_its_question_encoder_make_ready_beside_it(folders, tmp_path, fake_encoder) -> None:
    """Opening an up-to-date index starts the question encoder's ``warm`` on a side thread (an ONNX
    session's set-up runs beside the index's loading); a build does not (it forks workers)."""
    import threading

    warmed: list[str] = []
    done = threading.Event()

    class Warming(type(fake_encoder)):
        def warm(self) -> None:
            warmed.append(threading.current_thread().name)
            done.set()

    encoder = Warming()
    Library.open(folders, tmp_path / "index", encoder=encoder)
    assert warmed == []  # built, not loaded
    lib = Library.open(folders, tmp_path / "index", encoder=encoder)
    assert done.wait(10) and len(warmed) == 1 and warmed[0].startswith("qa-side")
    assert lib.ask("Will Georgia join NATO?", k=1).hits[0].doc_id == "nato-2012"


def test_folders_joined_like_path_entries_and_a_missing_one(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    monkeypatch.setenv("QA_CORPUS", os.pathsep.join(str(f) for f in folders))
    assert len(Library.open(None, tmp_path / "index", encoder=fake_encoder).declarations) == 3
    with pytest.raises(CorpusError, match="missing.*does not exist"):
        Library.open([folders[0], tmp_path / "missing"], tmp_path / "index", encoder=fake_encoder)


def test_declarations_parsed_by_other_reading_code_are_read_again(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    import qa.index.build
    import qa.index.freshness

    for module in (qa.index.freshness, qa.index.build):  # as after an upgrade of the PDF reader
        monkeypatch.setattr(module, "reader_version", lambda: "another reader")
    again = Library.open(folders, index, encoder=fake_encoder)
    assert again.report.parsed == 4 and again.report.built  # every file read, the build's parse replaced
    third = Library.open(folders, index, encoder=fake_encoder)
    assert (third.report.parsed, third.report.built) == (0, False)  # and then kept


def test_the_build_is_hashed_ahead_only_while_it_may_be_loaded(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    """An open hashes the build beside its parse (IndexStore.check_ahead); once a file changed, the
    build is not loaded as it is, and hashing it ahead stops before the changed file is read."""
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    import qa.index.freshness as freshness

    stops: list[int] = []  # files read when told to stop
    reads: list[object] = []
    real_stop, real_read = IndexStore.stop_checking_ahead, freshness.read_files

    def stop(self) -> None:
        stops.append(len(reads))
        real_stop(self)

    def read(paths, *args, **kwargs):
        reads.append(paths)
        return real_read(paths, *args, **kwargs)

    monkeypatch.setattr(IndexStore, "stop_checking_ahead", stop)
    monkeypatch.setattr(freshness, "read_files", read)
    assert not Library.open(folders, index, encoder=fake_encoder).report.built and stops == []
    (folders[0] / "nato-2012.txt").write_text(NATO + "\n3. Allies will meet again.\n", encoding="utf-8")
    again = Library.open(folders, index, encoder=fake_encoder)
    assert again.report.built and again.report.parsed == 1 and reads and stops[0] == 0


def test_a_rebuild_does_not_hash_the_build_it_replaces_ahead(folders, tmp_path, fake_encoder, monkeypatch) -> None:
    index = tmp_path / "index"
    Library.open(folders, index, encoder=fake_encoder)
    ahead: list[bool] = []
    real = IndexStore.check_ahead

    def spy(self):
        ahead.append(True)
        return real(self)

    monkeypatch.setattr(IndexStore, "check_ahead", spy)
    assert Library.open(folders, index, encoder=fake_encoder, rebuild=True).report.built and ahead == []
    assert not Library.open(folders, index, encoder=fake_encoder).report.built and ahead == [True]

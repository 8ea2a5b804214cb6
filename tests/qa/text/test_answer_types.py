from __future__ import annotations

import numpy as np
import pytest

from qa.text.answer_types import AnswerType, EntityTable, answer_labels


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("When will the ISAF mission end?", {"DATE", "TIME"}),
        ("In what year did Georgia apply?", {"DATE", "TIME"}),
        ("How many troops will ISAF keep?", {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
        ("How much did the G7 pledge for climate finance?", {"MONEY", "QUANTITY", "PERCENT", "CARDINAL"}),
        ("What percentage of GDP goes to defence?", {"PERCENT"}),
        ("Who helped Temüjin rescue his wife?", {"PERSON", "ORG", "NORP"}),
        ("Where was the 2012 summit held?", {"GPE", "LOC", "FAC"}),
        ("Which countries signed the declaration?", {"GPE", "LOC", "FAC"}),
        ("What did NATO say about Georgia?", set()),
        ("Why does ASEAN care about the South China Sea?", set()),
        ("", set()),
    ],
)
def test_the_wh_phrase_gives_the_answer_labels(question: str, labels: set[str]) -> None:
    assert answer_labels(question) == labels


def test_an_entity_counts_only_when_the_question_does_not_name_it() -> None:
    kind = AnswerType.of("Who led the Mongols after Genghis Khan?")
    assert kind.named_in([("PERSON", "Ögedei")])
    assert not kind.named_in([("PERSON", "Genghis Khan"), ("NORP", "Mongols")])  # both already asked
    assert not kind.named_in([("DATE", "1227")])  # not the kind asked for
    assert not kind.named_in([])


def test_a_question_with_no_answer_kind_favours_no_sentence() -> None:
    kind = AnswerType.of("What did NATO say about Georgia?")
    assert not kind.labels
    assert not kind.named_in([("GPE", "Tbilisi"), ("DATE", "2008")])


SENTENCE_ENTITIES = [
    [("GPE", "Georgia"), ("DATE", "2008")],
    [],
    [("PERSON", "Karzai"), ("ORDINAL", "third")],
    [("CARDINAL", "870 million"), ("ORG", "G7")],
    [("DATE", "the end of 2014"), ("ORG", "ISAF")],
    [("SOMETHING_ELSE", "x")],  # a label outside OntoNotes answers nothing
]


@pytest.mark.parametrize(
    "question",
    ["When will the ISAF mission end?", "Who announced the third tranche?", "How many doses will the G7 share?",
     "Where did Georgia apply?", "What did NATO say?", "When did Georgia apply in 2008?"],
)
def test_the_entity_table_agrees_with_matching_each_sentence(question: str) -> None:
    table = EntityTable(SENTENCE_ENTITIES)
    kind = AnswerType.of(question)
    sentences = np.array([5, 0, 3, 1, 4, 2, 0])
    expected = [float(kind.named_in(SENTENCE_ENTITIES[s])) for s in sentences]
    assert table.answering(kind, sentences).tolist() == expected


@pytest.mark.parametrize(
    "entities",
    [
        [],
        [[]],
        [[], [("GPE", "Chicago")], []],
        [[("DATE", "2014"), ("GPE", "Kabul"), ("NOT_A_LABEL", "x")], [], [("ORG", "NATO")], [("ORG", "NATO"), ("ORG", "EU")]],
        [[("NOT_A_LABEL", "x")], [("CARDINAL", "two")]],
    ],
    ids=["none", "one empty", "empty around one", "mixed", "unknown label first"],
)
def test_the_masks_made_at_once_are_each_sentences_own(entities) -> None:
    from qa.text.answer_types import label_mask, label_masks

    masks = label_masks(entities)
    assert masks.dtype == np.int64 and masks.tolist() == [label_mask(label for label, _ in found) for found in entities]


def test_entities_read_back_as_written_and_a_bad_file_is_refused(tmp_path) -> None:
    import json

    from qa.search.retrieval import _read_entities

    path = tmp_path / "entities.json"
    written = [[], [["GPE", "Chicago"], ["DATE", "2012"]], [["ORG", "NATO"]]]
    path.write_text(json.dumps(written), encoding="utf-8")
    assert _read_entities(path) == [[], [("GPE", "Chicago"), ("DATE", "2012")], [("ORG", "NATO")]]
    for bad in ([[["GPE", "Chicago", "extra"]]], [[["GPE"]]], [[["GPE", 5]]], [[5]], {"a": 1}, 7, [["GPE", "Chicago"]]):
        path.write_text(json.dumps(bad), encoding="utf-8")
        with pytest.raises(ValueError, match="label, text"):
            _read_entities(path)

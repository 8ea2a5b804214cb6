from __future__ import annotations

from qa.compare.document_diff import diff_declarations
from qa.documents import Declaration, Paragraph


def _decl(doc_id: str, *texts: str) -> Declaration:
    pars = tuple(Paragraph(doc_id=doc_id, number=str(i), text=t) for i, t in enumerate(texts, start=1))
    return Declaration(doc_id, doc_id, "", "", "", "", "", pars)


A = "Recalls its resolution 77/1 on the cooperation between the United Nations and the African Union."
B = "Requests the Secretary-General to submit to it at its seventy-ninth session a report on this resolution."
C = "Welcomes the efforts of Member States to strengthen their cooperation on health and education."
D = "Decides to include in the provisional agenda of its seventy-ninth session the item entitled cooperation."
E = "Expresses deep concern at the humanitarian situation and calls for unhindered access."


def test_same_changed_added_removed_moved() -> None:
    old = _decl("old", A, B, C, D)
    new = _decl("new", A.replace("77/1", "78/1"), D, C, E)
    result = diff_declarations(old, new)
    statuses = [(p.status, p.old and p.old.number, p.new and p.new.number) for p in result.pairs]
    assert ("changed", "1", "1") in statuses
    assert ("same", "3", "3") in statuses
    assert ("moved", "4", "2") in statuses or ("moved", "3", "3") in statuses
    assert ("added", None, "4") in statuses
    assert ("removed", "2", None) in statuses
    changed = next(p for p in result.pairs if p.status == "changed")
    assert [(c.old_text, c.new_text) for c in changed.diff.changes] == [("77/1", "78/1")]
    assert len(result.pairs) == 5


def test_a_document_against_itself_is_all_same() -> None:
    doc = _decl("x", A, B, C)
    assert [p.status for p in diff_declarations(doc, doc).pairs] == ["same"] * 3

"""The pure clause diff: kinds of change, what is ignored, the word-level content."""

from __future__ import annotations

import pytest

from tradepost.terms.diff import ClauseText, WordChange, clause_text, diff_clauses, word_diff
from tradepost.terms.parsing import parse_document


def _texts(part):
    return [clause_text(c) for c in part.clauses]


def test_fixture_diff_from_old_to_new(terms_text):
    new, old = parse_document(terms_text).parts

    diff = diff_clauses(_texts(old), _texts(new))

    assert diff.summary() == {
        "added": ["5.13"],
        "removed": ["2.2"],
        "changed": ["2.1", "5.5"],
        "heading_only": ["1.3"],
    }
    assert diff.preamble is None


def test_changed_clause_carries_its_word_diff(terms_text):
    new, old = parse_document(terms_text).parts

    diff = diff_clauses(_texts(old), _texts(new))

    change = next(c for c in diff.changes if c.number == "2.1")
    assert [(w.op, w.text) for w in change.words][1:] == [
        ("delete", "Private Limited."),
        ("insert", "Pte. Ltd."),
    ]


def test_sub_item_change_is_reported_on_its_clause(terms_text):
    new, old = parse_document(terms_text).parts

    diff = diff_clauses(_texts(old), _texts(new))

    change = next(c for c in diff.changes if c.number == "5.5")
    assert [(w.op, w.text) for w in change.words if w.op != "equal"] == [
        ("insert", "and controlled")
    ]


def test_heading_only_change_is_reported_apart(terms_text):
    new, old = parse_document(terms_text).parts

    diff = diff_clauses(_texts(old), _texts(new))

    change = next(c for c in diff.changes if c.number == "1.3")
    assert (change.kind, change.heading_before, change.heading_after, change.words) == (
        "heading_only",
        "Application and Acceptance of the Terms / Changes.",
        "Application and Acceptance of the Terms / Amendments.",
        (),
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param("use of the Sites is", "use of the Sites\u00a0 is", id="no-break-space"),
        pytest.param("subject to these Terms and", "subject to these Terms\nand", id="line-break"),
        pytest.param("Times Square,1 Matheson", "Times Square, 1 Matheson", id="space-added"),
        pytest.param("the version governs.", "the version governs\\.", id="escaped-period"),
        pytest.param("**2\\. Provision**", "2. Provision", id="escape-and-bold"),
        pytest.param("**Upon becoming a Member**", "Upon becoming a Member", id="bold"),
        pytest.param("the *Services* are", "the Services are", id="italic"),
    ],
)
def test_formatting_alone_is_not_a_change(before, after):
    diff = diff_clauses([ClauseText("1.1", "H", before)], [ClauseText("1.1", "H", after)])

    assert diff.changes == ()


def test_sub_item_bracket_style_is_formatting():
    header = "Part A: x - effective as of 2024-01-01\n1.1 Lead:\n"
    plain = parse_document(header + "a) one;\nb) two.").parts[0]
    bracketed = parse_document(header + "(a) one;\n\n(b) two.").parts[0]

    assert diff_clauses(_texts(plain), _texts(bracketed)).changes == ()


def test_section_heading_change_alone_is_heading_only():
    diff = diff_clauses(
        [ClauseText("12.4", "General Provisions", "Headings are for reference only.")],
        [ClauseText("12.4", "Miscellaneous", "Headings are for reference  only.")],
    )

    assert diff.summary() == {"added": [], "removed": [], "changed": [], "heading_only": ["12.4"]}


def test_heading_and_text_changed_is_a_text_change_that_notes_the_heading():
    diff = diff_clauses(
        [ClauseText("1.3", "Amendments", "We may amend the Terms.")],
        [ClauseText("1.3", "Changes", "We may amend the Terms by posting them.")],
    )

    (change,) = diff.changes
    assert (change.kind, change.heading_changed) == ("changed", True)


def test_word_diff_marks_deleted_and_inserted_words():
    assert word_diff("the quick fox jumps", "the slow brown fox jumps") == (
        WordChange("equal", "the"),
        WordChange("delete", "quick"),
        WordChange("insert", "slow brown"),
        WordChange("equal", "fox jumps"),
    )


def test_word_diff_works_on_normalised_words():
    assert word_diff("**Member**\u00a0 agrees", "Member agrees\\.") == (
        WordChange("equal", "Member"),
        WordChange("delete", "agrees"),
        WordChange("insert", "agrees."),
    )


def test_preamble_change_is_reported_outside_the_clause_lists():
    diff = diff_clauses([], [], preamble_before="Welcome!", preamble_after="Welcome, Members!")

    assert diff.summary() == {"added": [], "removed": [], "changed": [], "heading_only": []}
    assert [(w.op, w.text) for w in diff.preamble.words] == [
        ("delete", "Welcome!"),
        ("insert", "Welcome, Members!"),
    ]

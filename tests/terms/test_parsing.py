"""The pure parser: the fixture document, dates, and refusals with line numbers."""

from __future__ import annotations

from datetime import date

import pytest

from tradepost.terms.documents import split_parts
from tradepost.terms.parsing import (
    TermsParseError,
    parse_document,
    parse_effective_date,
    parse_version_body,
)


def _clauses(terms_text, part=0):
    return {c.number: c for c in parse_document(terms_text).parts[part].clauses}


def test_parts_have_labels_and_effective_dates_in_both_forms(terms_text):
    document = parse_document(terms_text)

    assert document.title == "Tradepost Terms of Use"
    assert [(p.part, p.label, p.effective_date) for p in document.parts] == [
        ("A", "Part A: New version", date(2024, 3, 1)),
        ("B", "Part B: Old version", date(2023, 11, 2)),
    ]


def test_clause_numbers_in_document_order(terms_text):
    document = parse_document(terms_text)

    assert [c.number for c in document.parts[0].clauses] == [
        "1.1", "1.3", "1.4", "2.1", "5.3", "5.5", "5.12", "5.13",
    ]  # fmt: skip
    assert [c.number for c in document.parts[1].clauses] == [
        "1.1", "1.3", "1.4", "2.1", "2.2", "5.3", "5.5", "5.12",
    ]  # fmt: skip


def test_number_glued_to_the_text_is_split_off(terms_text):
    clause = _clauses(terms_text)["5.12"]

    assert clause.text == (
        "Member acknowledges that each Member is solely responsible for observing applicable laws."
    )


def test_bold_clause_keeps_its_number_and_its_emphasis(terms_text):
    clause = _clauses(terms_text)["5.3"]

    assert clause.lead_in == ""
    assert clause.text == (
        "**Upon becoming a Member, you consent to the inclusion of your contact information "
        "in our database.**"
    )


def test_bold_lead_in_is_taken_as_a_heading(terms_text):
    clause = _clauses(terms_text)["1.3"]

    assert clause.lead_in == "Amendments."
    assert clause.text == (
        "Tradepost may amend the Terms at any time by posting them on the Sites."
    )


@pytest.mark.parametrize(
    ("number", "section", "heading"),
    [
        ("1.1", "1", "Application and Acceptance of the Terms"),
        ("2.1", "2", "Provision of Services"),
        ("5.12", "5", "Member’s Responsibilities"),
    ],
)
def test_clause_falls_under_its_section_heading(terms_text, number, section, heading):
    clause = _clauses(terms_text)[number]

    assert (clause.section, clause.heading) == (section, heading)


def test_unnumbered_paragraph_continues_the_clause(terms_text):
    clause = _clauses(terms_text)["2.1"]

    assert clause.text == (
        "If you are from mainland China, you contract with Example Hangzhou Co., Ltd.\n\n"
        "If you are from anywhere else, you contract with Example Singapore Pte. Ltd."
    )


def test_letter_sub_items_with_nested_roman_numerals(terms_text):
    clause = _clauses(terms_text)["5.5"]

    assert [(s.number, s.label, s.text) for s in clause.sub_items] == [
        ("5.5(a)", "a)", "be true, accurate, complete and lawful;"),
        ("5.5(b)", "b)", "not be false, misleading or deceptive;"),
        ("5.5(c)", "c)", "not violate the Product Listing Policy, including:"),
    ]
    assert [(s.number, s.label, s.text) for s in clause.sub_items[2].sub_items] == [
        ("5.5(c)(i)", "(i)", "its list of prohibited items; and"),
        ("5.5(c)(ii)", "(ii)", "its list of restricted and controlled items."),
    ]


def test_bracketed_sub_items_and_the_closing_paragraph(terms_text):
    clause = _clauses(terms_text)["5.13"]

    assert clause.text == "Each Member represents, warrants and agrees that"
    assert [(s.number, s.label) for s in clause.sub_items] == [
        ("5.13(a)", "(a)"),
        ("5.13(b)", "(b)"),
    ]
    assert clause.closing_text == (
        "If, at any time, you fail to meet the above requirements, "
        "you should stop using the Services."
    )


def test_letter_i_after_h_continues_the_letters():
    text = "Part A: x - effective as of 2024-01-01\n1.1 Lead:\n" + "\n".join(
        f"{letter}) item {letter};" for letter in "abcdefghij"
    )

    clause = parse_document(text).parts[0].clauses[0]

    assert [s.number for s in clause.sub_items][-3:] == ["1.1(h)", "1.1(i)", "1.1(j)"]
    assert [len(s.sub_items) for s in clause.sub_items] == [0] * 10


def test_preamble_is_the_text_before_the_first_clause(terms_text):
    part = parse_document(terms_text).parts[0]

    assert part.preamble == "PLEASE READ THESE TERMS CAREFULLY!"


def test_bodies_and_hashes_match_the_lenient_splitter(terms_text):
    parsed = parse_document(terms_text).parts

    assert [(p.body, p.sha256) for p in parsed] == [
        (p.body, p.sha256) for p in split_parts(terms_text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("October 17, 2020", date(2020, 10, 17)),
        ("May 6th, 2020", date(2020, 5, 6)),
        ("March 1st, 2024", date(2024, 3, 1)),
        ("November 22nd, 2023", date(2023, 11, 22)),
        ("**October 17, 2020**", date(2020, 10, 17)),
        ("6 May 2020", date(2020, 5, 6)),
        ("2020-05-06", date(2020, 5, 6)),
    ],
)
def test_effective_dates_parse(text, expected):
    assert parse_effective_date(text) == expected


HEADER = "**Part A:  New version -** **effective as of October 17, 2020**"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        pytest.param(
            "#### Terms\n\n**1\\. Acceptance**\n",
            3,
            "text before any part header "
            "(expected 'Part A: <label> - effective as of <date>' first)",
            id="no-part-header",
        ),
        pytest.param(
            "#### Terms\n\n1.1 You agree.\n",
            3,
            "clause 1.1 before any part header "
            "(expected 'Part A: <label> - effective as of <date>' first)",
            id="clause-before-any-part",
        ),
        pytest.param(
            "#### Terms\n",
            1,
            "no part header found (expected 'Part A: <label> - effective as of <date>')",
            id="empty-document",
        ),
        pytest.param(
            "**Part A: New version - effective as of Octember 17, 2020**\n1.1 You agree.\n",
            1,
            "part header has an unrecognised date 'Octember 17, 2020'",
            id="bad-date",
        ),
        pytest.param(
            "**Part A: New version**\n1.1 You agree.\n",
            1,
            "part header without 'effective as of <date>': 'Part A: New version'",
            id="part-without-date",
        ),
        pytest.param(
            f"{HEADER}\n\n1.1 You agree.\n\n1.2 We agree.\n\n1.1 Again.\n",
            7,
            "clause 1.1 appears twice in Part A",
            id="duplicate-clause",
        ),
        pytest.param(
            f"{HEADER}\n**1\\. One**\n1.1 A.\n**2\\. Two**\n1.2 B.\n",
            5,
            "clause 1.2 is under section 2 (Two); expected a clause 2.x",
            id="clause-outside-its-section",
        ),
        pytest.param(
            f"{HEADER}\n1.1 Lead:\na) one;\nc) three.\n",
            4,
            "sub-item c) is out of sequence after a) of clause 1.1",
            id="sub-item-out-of-sequence",
        ),
        pytest.param(
            f"{HEADER}\n**1\\. One**\nIntroduction to the section.\n1.1 A.\n",
            3,
            "text under section heading '1' before its first numbered clause",
            id="text-between-heading-and-clause",
        ),
        pytest.param(
            f"{HEADER}\n1.1 A.\n**Part B: Old - effective as of October 17, 2020**\n1.1 B.\n",
            3,
            "Part B has the same effective date (2020-10-17) as Part A",
            id="two-parts-one-date",
        ),
        pytest.param(
            f"{HEADER}\nJust a preamble.\n",
            1,
            "Part A has no numbered clauses",
            id="part-without-clauses",
        ),
    ],
)
def test_malformed_documents_are_refused_with_the_line(text, line, reason):
    with pytest.raises(TermsParseError) as caught:
        parse_document(text)

    assert (caught.value.line, caught.value.reason) == (line, reason)


def test_failure_in_the_second_part_names_its_line(terms_text):
    broken = terms_text.replace("2.2 You must register", "2.1 You must register")

    with pytest.raises(TermsParseError) as caught:
        parse_document(broken)

    assert (caught.value.line, caught.value.reason) == (65, "clause 2.1 appears twice in Part B")


def test_a_stored_body_reparses_with_lines_counted_from_the_body():
    with pytest.raises(TermsParseError) as caught:
        parse_version_body("1.1 A.\n\n1.1 B.", effective_date=date(2024, 1, 1))

    assert (caught.value.line, caught.value.reason) == (3, "clause 1.1 appears twice in Part A")

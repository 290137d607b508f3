"""Which version is in force when (clause 1.3), and the clause tree as read back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tradepost.errors import InvalidInput
from tradepost.terms.selectors import (
    NoTermsInForce,
    NoTermsInForceOn,
    terms_clause_tree,
    terms_version_in_force,
    terms_version_in_force_on,
    terms_versions,
    terms_versions_diff,
)


@pytest.mark.parametrize(
    ("day", "part"),
    [
        (date(2023, 11, 2), "B"),
        (date(2024, 2, 29), "B"),
        (date(2024, 3, 1), "A"),
        (date(2030, 1, 1), "A"),
    ],
)
def test_version_in_force_is_the_latest_effective_on_or_before_the_day(imported, day, part):
    assert terms_version_in_force_on(site="alibaba", day=day) == imported[part]


def test_nothing_in_force_before_the_first_version(imported):
    with pytest.raises(NoTermsInForceOn) as caught:
        terms_version_in_force_on(site="alibaba", day=date(2023, 11, 1))

    assert (caught.value.code, caught.value.status) == ("no_terms_in_force", 404)


def test_in_force_at_an_instant(imported):
    assert (
        terms_version_in_force(site="alibaba", at=datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC))
        == imported["B"]
    )
    assert (
        terms_version_in_force(site="alibaba", at=datetime(2024, 3, 1, 0, 0, tzinfo=UTC))
        == imported["A"]
    )


def test_in_force_is_per_site(imported):
    with pytest.raises(NoTermsInForce):
        terms_version_in_force(site="aliexpress", at=date(2030, 1, 1))


def test_unknown_site_is_invalid_input(imported):
    with pytest.raises(InvalidInput):
        terms_version_in_force_on(site="ebay", day=date(2030, 1, 1))


def test_versions_newest_first(imported):
    assert list(terms_versions(site="alibaba")) == [imported["A"], imported["B"]]


def test_clause_tree_nests_sub_items(imported):
    tree = {node.number: node for node in terms_clause_tree(version=imported["A"])}

    assert [s.number for s in tree["5.5"].sub_items] == ["5.5(a)", "5.5(b)", "5.5(c)"]
    assert [s.label for s in tree["5.5"].sub_items[2].sub_items] == ["(i)", "(ii)"]


def test_diff_of_stored_versions_matches_the_document(imported):
    diff = terms_versions_diff(from_version=imported["B"], to_version=imported["A"])

    assert diff.summary() == {
        "added": ["5.13"],
        "removed": ["2.2"],
        "changed": ["2.1", "5.5"],
        "heading_only": ["1.3"],
    }


def test_diff_the_other_way_round(imported):
    diff = terms_versions_diff(from_version=imported["A"], to_version=imported["B"])

    assert diff.summary() == {
        "added": ["2.2"],
        "removed": ["5.13"],
        "changed": ["2.1", "5.5"],
        "heading_only": ["1.3"],
    }

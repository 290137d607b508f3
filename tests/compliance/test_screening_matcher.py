"""Screening names against the imported lists. Hits are listed names or aliases and
non-hits clearly different names, so these hold for the interim exact and the fuzzy matcher."""

from pathlib import Path

import pytest

from tradepost.compliance.matching import screen_name
from tradepost.compliance.services import sanctions_import
from tradepost.policy import PolicyError
from tradepost.policy.screening import hold_score, parse_screening_policy, review_score

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def sdn():
    return sanctions_import(fmt="ofac-csv", paths=sorted((SAMPLES / "ofac-sdn").glob("*.csv")))


def test_a_listed_company_name_hits_its_entry(sdn):
    hits = screen_name("Northwind Regions Trading LLC", kind="company")

    assert [(h.list_source, h.list_version, h.entry_id) for h in hits[:1]] == [
        ("ofac-sdn", 1, "1002")
    ]
    assert hits[0].name == "NORTHWIND REGIONS TRADING LLC"
    assert hits[0].score >= hold_score()
    assert len(hits[0].reasons) >= 1


def test_an_alias_hits_its_entry_in_any_word_order(sdn):
    hits = screen_name("Ivan Petrov")

    assert hits[0].entry_id == "1001"
    assert hits[0].score >= review_score()


@pytest.mark.parametrize("name", ["Blue Meadow Bakery GmbH", "Maria Gonzalez", ""])
def test_a_clearly_different_name_does_not_hit(sdn, name):
    assert [h for h in screen_name(name) if h.score >= review_score()] == []


def test_policy_scores_are_read_from_the_toml():
    assert (review_score(), hold_score()) == (0.80, 0.92)


def test_hold_below_review_is_refused():
    with pytest.raises(PolicyError):
        parse_screening_policy({"review_score": 0.9, "hold_score": 0.8})

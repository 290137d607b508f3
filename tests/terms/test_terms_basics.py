"""The bundled Terms versions and which one binds on a given day (clauses 1.1, 1.3)."""

from datetime import UTC, date, datetime

import pytest

from tradepost.terms.documents import bundled_parts, parse_effective_date, split_parts
from tradepost.terms.models import TermsVersion
from tradepost.terms.selectors import NoTermsInForce, terms_version_in_force

SITES = ["alibaba", "aliexpress"]


@pytest.mark.django_db
@pytest.mark.parametrize("site", SITES)
def test_both_bundled_versions_are_installed_for_each_site(site):
    dates = list(
        TermsVersion.objects.filter(site=site)
        .order_by("effective_date")
        .values_list("effective_date", flat=True)
    )

    assert dates == [date(2020, 5, 6), date(2020, 10, 17)]


@pytest.mark.django_db
@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize(
    ("at", "effective"),
    [
        (datetime(2020, 5, 6, 0, 0, tzinfo=UTC), date(2020, 5, 6)),
        (datetime(2020, 8, 1, 12, 0, tzinfo=UTC), date(2020, 5, 6)),
        (datetime(2020, 10, 16, 23, 59, tzinfo=UTC), date(2020, 5, 6)),
        (datetime(2020, 10, 17, 0, 0, tzinfo=UTC), date(2020, 10, 17)),
        (datetime(2021, 1, 1, 0, 0, tzinfo=UTC), date(2020, 10, 17)),
    ],
)
def test_version_in_force_is_the_latest_effective_not_after_the_day(site, at, effective):
    version = terms_version_in_force(site=site, at=at)

    assert version.site == site
    assert version.effective_date == effective


@pytest.mark.django_db
def test_version_in_force_today_is_the_october_version():
    assert terms_version_in_force(site="alibaba").effective_date == date(2020, 10, 17)


@pytest.mark.django_db
@pytest.mark.parametrize("site", SITES)
def test_no_version_before_the_first_effective_date(site):
    with pytest.raises(NoTermsInForce) as excinfo:
        terms_version_in_force(site=site, at=datetime(2020, 5, 5, 12, 0, tzinfo=UTC))

    assert excinfo.value.code == "no_terms_in_force"


@pytest.mark.django_db
def test_a_newer_version_binds_from_its_effective_date():
    older = terms_version_in_force(site="alibaba", at=datetime(2021, 1, 1, tzinfo=UTC))
    newer = TermsVersion.objects.create(
        site="alibaba",
        label="Part Z",
        effective_date=date(2022, 3, 1),
        body="New text",
        body_sha256="0" * 64,
    )

    assert terms_version_in_force(site="alibaba", at=datetime(2022, 2, 28, tzinfo=UTC)) == older
    assert terms_version_in_force(site="alibaba", at=datetime(2022, 3, 1, tzinfo=UTC)) == newer
    assert terms_version_in_force(site="aliexpress", at=datetime(2022, 3, 1, tzinfo=UTC)) != (newer)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("October 17, 2020", date(2020, 10, 17)),
        ("May 6th, 2020", date(2020, 5, 6)),
        ("May 6th, 2020**", date(2020, 5, 6)),
        ("**October 17, 2020**", date(2020, 10, 17)),
        ("June 1st, 2021.", date(2021, 6, 1)),
        ("March 22nd 2019", date(2019, 3, 22)),
        ("17 October 2020", date(2020, 10, 17)),
        ("2020-10-17", date(2020, 10, 17)),
    ],
)
def test_parse_effective_date(text, expected):
    assert parse_effective_date(text) == expected


@pytest.mark.parametrize("text", ["", "someday", "Octember 17, 2020", "February 30, 2020"])
def test_parse_effective_date_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError, match="date"):
        parse_effective_date(text)


def test_split_parts_reads_each_dated_part():
    text = (
        "#### Terms of Use\n"
        "\n"
        "**Part A:  New version -** **effective as of October 17, 2020**\n"
        "\n"
        "1.1 New text.\n"
        "**Part B:  Old version - effective as of May 6th, 2020**\n"
        "1.1 Old text.\n"
    )

    parts = split_parts(text)

    assert [(p.part, p.label, p.effective_date) for p in parts] == [
        ("A", "Part A: New version", date(2020, 10, 17)),
        ("B", "Part B: Old version", date(2020, 5, 6)),
    ]
    assert [p.body for p in parts] == ["1.1 New text.", "1.1 Old text."]


def test_split_parts_of_text_without_parts_is_empty():
    assert split_parts("Just some text\nwith no part headings.") == []


def test_bundled_document_has_the_two_2020_versions():
    parts = bundled_parts()

    assert [(p.part, p.effective_date) for p in parts] == [
        ("A", date(2020, 10, 17)),
        ("B", date(2020, 5, 6)),
    ]
    assert all("2.1" in p.body for p in parts)

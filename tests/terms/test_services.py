"""Importing Terms documents and attaching translations."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from tradepost.errors import Conflict, InvalidInput
from tradepost.terms import services
from tradepost.terms.models import Clause, TermsTranslation, TermsVersion
from tradepost.terms.services import (
    TermsDocumentInvalid,
    TermsVersionConflict,
    terms_import,
    terms_translation_attach,
)


def test_import_creates_one_version_per_part(no_versions, terms_text):
    result = terms_import(site="alibaba", text=terms_text, source_name="t.md")

    assert [(v.label, v.effective_date, v.status) for v in result.versions] == [
        ("Part A: New version", date(2024, 3, 1), "created"),
        ("Part B: Old version", date(2023, 11, 2), "created"),
    ]
    version = TermsVersion.objects.get(site="alibaba", effective_date=date(2024, 3, 1))
    assert (version.preamble, version.source_name) == ("PLEASE READ THESE TERMS CAREFULLY!", "t.md")


def test_import_stores_the_clause_tree(imported):
    rows = Clause.objects.filter(version=imported["A"]).order_by("position")

    assert [(r.number, r.parent.number if r.parent else None) for r in rows] == [
        ("1.1", None),
        ("1.3", None),
        ("1.4", None),
        ("2.1", None),
        ("5.3", None),
        ("5.5", None),
        ("5.5(a)", "5.5"),
        ("5.5(b)", "5.5"),
        ("5.5(c)", "5.5"),
        ("5.5(c)(i)", "5.5(c)"),
        ("5.5(c)(ii)", "5.5(c)"),
        ("5.12", None),
        ("5.13", None),
        ("5.13(a)", "5.13"),
        ("5.13(b)", "5.13"),
    ]
    clause = Clause.objects.get(version=imported["A"], number="1.3")
    assert (clause.section, clause.heading, clause.lead_in) == (
        "1",
        "Application and Acceptance of the Terms",
        "Amendments.",
    )


def test_reimporting_the_same_file_changes_nothing(imported, terms_text):
    clauses_before = Clause.objects.count()

    result = terms_import(site="alibaba", text=terms_text, source_name="again.md")

    assert [(v.version_pk, v.status) for v in result.versions] == [
        (imported["A"].pk, "unchanged"),
        (imported["B"].pk, "unchanged"),
    ]
    assert (TermsVersion.objects.count(), Clause.objects.count()) == (2, clauses_before)


def test_new_versions_are_announced_after_commit_and_only_once(
    no_versions, terms_text, django_capture_on_commit_callbacks, monkeypatch
):
    announced: list[int] = []
    monkeypatch.setattr(
        services, "terms_version_announce", lambda *, version_pk: announced.append(version_pk)
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = terms_import(site="alibaba", text=terms_text, source_name="t.md")
    with django_capture_on_commit_callbacks(execute=True) as second:
        terms_import(site="alibaba", text=terms_text, source_name="t.md")

    assert announced == [result.versions[0].version_pk]  # Part A; Part B is superseded
    assert len(second) == 0


def test_a_future_version_is_announced_beside_the_one_in_force(
    no_versions, terms_text, django_capture_on_commit_callbacks, monkeypatch
):
    announced: list[int] = []
    monkeypatch.setattr(
        services, "terms_version_announce", lambda *, version_pk: announced.append(version_pk)
    )
    future = terms_text.replace("March 1st, 2024", "March 1st, 2999")

    with django_capture_on_commit_callbacks(execute=True):
        result = terms_import(site="alibaba", text=future, source_name="t.md")

    assert sorted(announced) == sorted(v.version_pk for v in result.versions)


def test_same_date_with_different_text_is_refused(imported, terms_text):
    changed = terms_text.replace("Pte. Ltd.", "Private Limited")

    with pytest.raises(TermsVersionConflict) as caught:
        terms_import(site="alibaba", text=changed, source_name="t.md")

    assert caught.value.code == "terms_version_conflict"
    assert caught.value.extra == {"version_id": imported["A"].pk, "line": 3}
    assert TermsVersion.objects.get(pk=imported["A"].pk).body == imported["A"].body


def test_a_failing_second_part_leaves_nothing_behind(no_versions, terms_text):
    TermsVersion.objects.create(
        site="alibaba",
        label="Someone else's",
        effective_date=date(2023, 11, 2),
        body="other text",
        body_sha256="0" * 64,
    )

    with pytest.raises(TermsVersionConflict):
        terms_import(site="alibaba", text=terms_text, source_name="t.md")

    assert list(TermsVersion.objects.values_list("label", flat=True)) == ["Someone else's"]
    assert Clause.objects.count() == 0


def test_unparseable_file_is_refused_with_its_line(no_versions, terms_text):
    broken = terms_text.replace("effective as of November 2, 2023", "effective as of Nov 31, 2023")

    with pytest.raises(TermsDocumentInvalid) as caught:
        terms_import(site="alibaba", text=broken, source_name="t.md")

    assert (caught.value.line, caught.value.reason) == (
        46,
        "part header has an unrecognised date 'Nov 31, 2023'",
    )
    assert caught.value.message == (
        "t.md, line 46: part header has an unrecognised date 'Nov 31, 2023'"
    )
    assert TermsVersion.objects.count() == 0


def test_unknown_site_is_refused(no_versions, terms_text):
    with pytest.raises(InvalidInput) as caught:
        terms_import(site="ebay", text=terms_text, source_name="t.md")

    assert caught.value.fields == {"site": ["Choose one of: alibaba, aliexpress."]}


def test_sites_keep_their_own_versions(imported, terms_text):
    result = terms_import(site="aliexpress", text=terms_text, source_name="t.md")

    assert [v.status for v in result.versions] == ["created", "created"]
    assert TermsVersion.objects.filter(site="aliexpress").count() == 2


def test_migrations_gave_the_bundled_versions_their_clause_trees(db):
    version = TermsVersion.objects.get(site="alibaba", effective_date=date(2020, 10, 17))

    numbers = list(
        version.clauses.filter(parent=None).order_by("position").values_list("number", flat=True)
    )
    assert (len(numbers), numbers[:3], numbers[-1]) == (75, ["1.1", "1.2", "1.3"], "12.8")
    assert version.clauses.get(number="11.2(b)").parent.number == "11.2"


def test_translation_is_attached_and_never_governs(imported):
    translation = terms_translation_attach(
        version=imported["A"], language="ru", body="Условия использования"
    )

    assert (translation.language, translation.is_governing) == ("ru", False)
    assert (imported["A"].language, imported["A"].is_governing) == ("en", True)


@pytest.mark.parametrize("language", ["en", "en-GB", "English", ""])
def test_translation_must_be_a_non_english_language_tag(imported, language):
    with pytest.raises(InvalidInput) as caught:
        terms_translation_attach(version=imported["A"], language=language, body="x")

    assert list(caught.value.fields) == ["language"]


def test_same_translation_twice_is_a_no_op_and_a_different_one_needs_replace(imported):
    first = terms_translation_attach(version=imported["A"], language="es", body="Términos")
    again = terms_translation_attach(version=imported["A"], language="es", body="Términos")

    with pytest.raises(Conflict):
        terms_translation_attach(version=imported["A"], language="es", body="Condiciones")
    replaced = terms_translation_attach(
        version=imported["A"], language="es", body="Condiciones", replace=True
    )

    assert first.pk == again.pk == replaced.pk
    assert TermsTranslation.objects.get(pk=first.pk).body == "Condiciones"


def test_database_refuses_a_governing_translation(imported):
    with pytest.raises(IntegrityError):
        TermsTranslation.objects.create(
            version=imported["A"], language="fr", body="x", body_sha256="0", is_governing=True
        )

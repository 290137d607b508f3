"""`tradepost terms ...`: the JSON contract scripts rely on, and clean refusals."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tradepost.terms.models import TermsVersion


def _run(*args: str) -> str:
    out = StringIO()
    call_command("terms", *args, stdout=out)
    return out.getvalue()


def test_import_prints_each_part(no_versions, terms_path):
    data = json.loads(_run("import", str(terms_path), "--site", "alibaba", "--json"))

    versions = TermsVersion.objects.order_by("-effective_date")
    assert data == {
        "site": "alibaba",
        "versions": [
            {"id": v.pk, "label": v.label, "effective_date": str(v.effective_date), "status": s}
            for v, s in zip(versions, ["created", "created"], strict=True)
        ],
    }


def test_import_twice_reports_unchanged(imported, terms_path):
    out = _run("import", str(terms_path), "--site", "alibaba")

    assert out.splitlines()[-1].startswith("0 new, 2 unchanged for alibaba in ")


def test_import_of_a_bad_file_names_the_line(no_versions, tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("#### Terms\n\n1.1 You agree.\n", encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        _run("import", str(path), "--site", "alibaba")

    assert str(caught.value) == (
        f"{path}:3: clause 1.1 before any part header "
        "(expected 'Part A: <label> - effective as of <date>' first)"
    )
    assert TermsVersion.objects.count() == 0


def test_list_json(imported):
    assert json.loads(_run("list", "--site", "alibaba", "--json")) == [
        {"id": imported["A"].pk, "label": "Part A: New version", "effective_date": "2024-03-01"},
        {"id": imported["B"].pk, "label": "Part B: Old version", "effective_date": "2023-11-02"},
    ]


@pytest.mark.parametrize(("at", "part"), [("2024-02-29", "B"), ("2024-03-01", "A")])
def test_in_force_json(imported, at, part):
    data = json.loads(_run("in-force", "--site", "alibaba", "--at", at, "--json"))

    assert data == {
        "id": imported[part].pk,
        "label": imported[part].label,
        "effective_date": str(imported[part].effective_date),
    }


def test_diff_json(imported):
    data = json.loads(_run("diff", str(imported["B"].pk), str(imported["A"].pk), "--json"))

    assert data == {
        "added": ["5.13"],
        "removed": ["2.2"],
        "changed": ["2.1", "5.5"],
        "heading_only": ["1.3"],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("in-force", "--site", "alibaba", "--at", "2024-02-30"),
         "--at must be a date as YYYY-MM-DD, got '2024-02-30'"),
        (("in-force", "--site", "alibaba", "--at", "2001-01-01"),
         "No Terms of Use were in force for the alibaba site on 2001-01-01."),
        (("diff", "999999", "999998"), "No Terms version with id 999999."),
    ],
)  # fmt: skip
def test_bad_input_is_a_command_error(imported, args, message):
    with pytest.raises(CommandError) as caught:
        _run(*args)

    assert str(caught.value) == message


def test_unknown_site_is_refused_by_the_parser(imported):
    with pytest.raises(CommandError) as caught:
        _run("list", "--site", "ebay")

    assert "invalid choice: 'ebay'" in str(caught.value)


def test_translate_attaches_a_translation(imported, tmp_path):
    path = tmp_path / "ru.md"
    path.write_text("Условия использования", encoding="utf-8")

    _run("translate", str(imported["A"].pk), str(path), "--language", "ru")

    assert imported["A"].translations.get().language == "ru"


@pytest.mark.django_db(transaction=True)
def test_import_schedules_the_members_notice_and_fanout_shows_progress(
    imported, terms_text, tmp_path
):
    # Transactional: the announcement runs when the import commits, as in production.
    from tests.factories import member_create
    from tradepost.notices.models import Notice, NoticeCampaign

    members = [member_create(country="DE") for _ in range(3)]
    path = tmp_path / "amended.md"
    amended = terms_text.replace("March 1st, 2024", "March 1st, 2999").replace(
        "November 2, 2023", "November 2, 2998"
    )
    path.write_text(amended, encoding="utf-8")

    out = _run("import", str(path), "--site", "alibaba", "--fanout")

    campaigns = list(
        NoticeCampaign.objects.filter(terms_version__effective_date__year__gte=2998).order_by("pk")
    )
    assert len(campaigns) == 2
    assert f"campaign {campaigns[0].pk} notifies 3 members in batches" in out
    assert f"Campaign {campaigns[1].pk} completed: 3 members notified" in out
    assert sorted(
        Notice.objects.filter(member__in=members).values_list("terms_version_id", flat=True)
    ) == sorted([c.terms_version_id for c in campaigns] * 3)

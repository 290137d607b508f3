"""The audit trail in the console: staff with the permission read, filter and export it; no
page adds, changes or deletes a row."""

import csv
import io
import json

import pytest
from django.test import Client

from tests.factories import staff_create
from tradepost.audit.models import AuditEntry
from tradepost.audit.services import audit_record

LOGIN_BACKEND = "tradepost.members.backends.MemberLoginBackend"
URL = "/console/audit/auditentry/"


@pytest.fixture
def console(db) -> Client:
    client = Client()
    client.force_login(
        staff_create(username="ts", role="Trust & safety agent"), backend=LOGIN_BACKEND
    )
    return client


def _rows():
    one = audit_record(
        actor=None,
        action="member.status_changed",
        target_type="member",
        target_id="M-ONE",
        member_id="M-ONE",
        reason="fraud report",
        clause="6.2 (i)",
        before={"status": "active"},
        after={"status": "suspended"},
    )
    two = audit_record(
        actor=None,
        action="link.false_positive",
        target_type="link",
        target_id="7",
        member_id="M-TWO",
    )
    return one, two


def test_staff_filter_the_trail_and_export_the_selection(console):
    one, two = _rows()

    listing = console.get(URL, {"action": "member.status_changed"})
    searched = console.get(URL, {"q": "M-TWO"})
    exported = console.post(
        URL, {"action": "export_audit_csv", "_selected_action": [one.pk, two.pk]}
    )
    as_json = console.post(URL, {"action": "export_audit_json", "_selected_action": [one.pk]})

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [one]
    assert list(searched.context["cl"].result_list) == [two]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [r["action"] for r in rows] == ["member.status_changed", "link.false_positive"]
    assert json.loads(rows[0]["after"]) == {"status": "suspended"}
    assert exported["Content-Disposition"].startswith('attachment; filename="audit-')
    assert json.loads(as_json.content)[0]["clause"] == "6.2 (i)"


def test_no_console_page_adds_changes_or_deletes_a_row(console):
    one, _ = _rows()

    add = console.get(f"{URL}add/")
    change = console.post(f"{URL}{one.pk}/change/", {"reason": "rewritten"})
    delete = console.post(f"{URL}{one.pk}/delete/", {"post": "yes"})
    bulk = console.post(URL, {"action": "delete_selected", "_selected_action": [one.pk]})

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=one.pk).reason == "fraud report"
    assert AuditEntry.objects.count() == 2


def test_roles_without_the_permission_do_not_see_the_trail(db):
    client = Client()
    client.force_login(staff_create(username="sup", role="Support agent"), backend=LOGIN_BACKEND)

    assert client.get(URL).status_code == 403

"""The audit trail is append-only (issue 10): the model layer refuses updates and deletes on
every database, PostgreSQL's trigger refuses them from raw SQL too, and the staff API reads it
oldest first with no way to change a row."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tradepost.audit.context import current_request_id
from tradepost.audit.models import AuditEntry, AuditImmutable
from tradepost.audit.services import audit_record
from tradepost.members.services import api_token_create
from tradepost.trust import services


def _row(**kw):
    return audit_record(actor=None, action="test.step", target_type="member", target_id="M1", **kw)


@pytest.mark.django_db
def test_rows_cannot_be_updated_or_deleted_through_the_models():
    row = _row(reason="first")
    row.reason = "rewritten"
    with pytest.raises(AuditImmutable):
        row.save()
    with pytest.raises(AuditImmutable):
        row.delete()
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.filter(pk=row.pk).update(reason="x")
    with pytest.raises(AuditImmutable):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == "first"
    assert row.actor_label == "system"


@pytest.mark.django_db
def test_postgresql_trigger_refuses_raw_update_and_delete():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; the model layer guards SQLite")
    row = _row()
    for sql in (
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [row.pk])
    assert AuditEntry.objects.filter(pk=row.pk, reason="").exists()


@pytest.mark.django_db
def test_a_status_change_writes_an_audit_row_with_actor_clause_and_request_id():
    supplier = member_create(country="CN", roles=["supplier"])
    staff = staff_create(username="agent", superuser=True)
    services.member_suspend(member=supplier, reason="Fraud check.", by=staff)
    row = AuditEntry.objects.get(action="member.status_changed")
    assert (row.actor, row.actor_label, row.member_id, row.clause) == (
        staff,
        "agent",
        supplier.member_id,
        "6.2 (i)",
    )
    assert (row.before, row.after) == ({"status": "active"}, {"status": "suspended"})
    assert current_request_id() == ""


@pytest.mark.django_db
def test_staff_api_lists_a_members_trail_oldest_first_and_offers_no_change():
    member = member_create()
    staff = staff_create(username="ts", role="Trust & safety agent")
    _, raw = api_token_create(user=staff, name="t")
    first = _row(member_id=member.member_id, reason="one")
    _row(member_id=member.member_id, reason="two")
    _row(member_id="OTHER", reason="elsewhere")
    client = ApiClient(token=raw)

    response = client.get(f"/staff/audit?target={member.member_id}")

    assert response.status_code == 200, response.content
    assert response.json()["count"] == 2
    assert [r["reason"] for r in response.json()["items"]] == ["one", "two"]
    assert response.json()["items"][0]["id"] == first.pk
    assert (
        client.get(f"/staff/audit?target={member.member_id}&limit=1&offset=1").json()["items"][0][
            "reason"
        ]
        == "two"
    )
    assert response["X-Request-ID"]
    for method in ("put", "patch", "delete"):
        assert client.call(method, "/staff/audit").status_code == 405


@pytest.mark.django_db
def test_members_and_roles_without_the_permission_get_403():
    member = member_create()
    _, member_raw = api_token_create(user=member.user, name="t")
    support = staff_create(username="support", role="Support agent")
    _, support_raw = api_token_create(user=support, name="t")

    as_member = ApiClient(token=member_raw).get("/staff/audit")
    as_support = ApiClient(token=support_raw).get("/staff/audit")

    assert as_member.status_code == 403
    assert as_member.json()["error"]["code"] == "staff_only"
    assert as_support.status_code == 403
    assert as_support.json()["error"]["code"] == "staff_permission_denied"

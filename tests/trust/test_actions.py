"""Disciplinary actions (clause 6.2): each kind's effect at every entry point, expiry without a
job, four eyes, appeals, notices, the DSA statement of reasons and the role matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.conftest import ApiClient
from tests.factories import PASSWORD, listing_create, member_create, search_category, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.catalog import search
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.errors import AccountNotActive, Conflict, FeatureRestricted, InvalidInput
from tradepost.members.models import ApiToken, MemberStatus
from tradepost.members.services import api_token_create, member_authenticate
from tradepost.notices.models import Notice
from tradepost.trust.models.actions import Action, ActionStatus, Appeal
from tradepost.trust.selectors.actions import actions_in_force, feature_allowed
from tradepost.trust.services import actions as services


def found() -> list[int]:
    query = search.parse_search_params({"q": "flange", "sort": "newest"})
    return [hit.id for hit in search.search(query).results]


def login(member):
    request = RequestFactory().post("/api/v1/auth/login", REMOTE_ADDR="198.51.100.20")
    return member_authenticate(request=request, login=member.member_id, password=PASSWORD)


def client_for(user) -> ApiClient:
    _, raw = api_token_create(user=user, name="test")
    return ApiClient(token=raw)


def take(member, by, kind="suspend", clause="6.2 (i)", **kw):
    return services.action_take(
        member=member, kind=kind, clause=clause, reason=kw.pop("reason", "Breach."), by=by, **kw
    )


def past(action: Action) -> None:
    """Move an action's end into the past, as if time had passed."""
    Action.objects.filter(pk=action.pk).update(ends_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def supplier(db):
    search_category("t-kitchen")
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


@pytest.fixture
def second(db):
    return staff_create(username="second", role="Trust & safety agent")


@pytest.fixture
def cluster(monkeypatch, supplier):
    """The supplier and two related accounts (the related-accounts area's selector)."""
    others = [member_create(country="CN", roles=["supplier"]) for _ in range(2)]
    ids = [supplier.member_id, *(m.member_id for m in others)]
    monkeypatch.setattr(
        services,
        "related_member_ids",
        lambda member: ids if member.pk == supplier.pk else [member.member_id],
    )
    return others


# --- Effects at every entry point ---------------------------------------------------------


def test_a_suspension_refuses_login_api_posting_and_hides_listings(supplier, agent):
    listing = listing_create(supplier, title="Forged flange DN80")
    _, raw = api_token_create(user=supplier.user, name="ERP")
    assert found() == [listing.pk]

    action = take(supplier, agent)

    assert action.status == ActionStatus.IN_FORCE
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.SUSPENDED
    assert found() == []
    with pytest.raises(AccountNotActive):
        login(supplier)
    assert ApiClient(token=raw).get("/members/me/actions").status_code == 401
    with pytest.raises(AccountNotActive):
        listing_create(supplier, title="Another flange")
    assert feature_allowed(supplier, "orders").allowed is False
    assert feature_allowed(supplier, "messaging").clause == "6.2 (i)"


def test_a_termination_once_approved_is_final(supplier, agent, second):
    action = take(supplier, agent, kind="terminate")
    assert action.status == ActionStatus.PENDING_APPROVAL
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE

    services.action_approve(action=action, by=second)

    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.TERMINATED
    with pytest.raises(Conflict) as error:
        services.action_lift(action=action, by=second, reason="Oops.")
    assert error.value.code == "termination_final"


def test_a_restriction_keeps_login_but_takes_posting_orders_messages_and_search(supplier, agent):
    listing = listing_create(supplier, title="Forged flange DN80")

    action = take(supplier, agent, kind="restrict", clause="6.2 (ii)")

    assert login(supplier).member.status == MemberStatus.ACTIVE
    assert found() == []
    with pytest.raises(FeatureRestricted) as error:
        listing_create(supplier, title="Another flange")
    assert (error.value.code, error.value.extra["action_id"]) == ("feature_restricted", action.pk)
    for feature in ("new_listings", "messaging", "orders", "search_visibility"):
        assert feature_allowed(supplier, feature).action_id == action.pk
    assert feature_allowed(supplier, "promotions").allowed is True

    services.action_lift(action=action, by=agent, reason="Cleared.")

    assert found() == [listing.pk]
    assert feature_allowed(supplier, "orders").allowed is True


@pytest.mark.parametrize(
    "feature", ["new_listings", "messaging", "orders", "search_visibility", "promotions"]
)
def test_a_feature_restriction_takes_only_that_feature(supplier, agent, feature):
    action = take(supplier, agent, kind="restrict_feature", clause="6.2 (iv)", feature=feature)

    refused = [f for f in services.Feature.values if not feature_allowed(supplier, f).allowed]

    assert refused == [feature]
    assert feature_allowed(supplier, feature).action_id == action.pk


def test_a_posting_restriction_refuses_listing_creation_over_the_api(supplier, agent):
    take(supplier, agent, kind="restrict_feature", clause="6.2 (iv)", feature="new_listings")
    from tests.factories import listing_payload

    response = client_for(supplier.user).post("/my/listings", listing_payload())

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "feature_restricted"
    assert Listing.objects.count() == 0


def test_hidden_from_search_and_back_when_it_expires_without_a_job(supplier, agent):
    listing = listing_create(supplier, title="Forged flange DN80")
    action = take(
        supplier,
        agent,
        kind="restrict_feature",
        clause="6.2 (iv)",
        feature="search_visibility",
        ends_at=timezone.now() + timedelta(days=7),
    )
    assert found() == []
    listing_create(supplier, title="Second flange")  # posting is still allowed, but hidden
    assert found() == []

    past(action)

    assert len(found()) == 2
    action.refresh_from_db()
    assert action.status == ActionStatus.EXPIRED
    assert listing.pk in found()


def test_removing_listings_removes_every_shown_listing(supplier, agent):
    first = listing_create(supplier, title="Forged flange DN80")
    draft = listing_create(supplier, title="Draft flange", publish=False)

    action = take(supplier, agent, kind="remove_listings", clause="6.2 (iii)")

    assert Listing.objects.get(pk=first.pk).status == ListingStatus.REMOVED
    assert Listing.objects.get(pk=draft.pk).status == ListingStatus.DRAFT
    assert action.evidence["removed_listing_ids"] == [first.pk]
    assert found() == []


def test_a_listing_cap_refuses_the_listing_over_it(supplier, agent):
    listing_create(supplier, title="Forged flange DN80")
    action = take(supplier, agent, kind="cap_listings", clause="6.2 (iii)", cap=1)
    from tradepost.catalog.services import ListingCapReached

    with pytest.raises(ListingCapReached) as error:
        listing_create(supplier, title="Second flange")

    assert error.value.extra["action_id"] == action.pk
    assert Listing.objects.filter(status=ListingStatus.PUBLISHED).count() == 1


def test_a_warning_changes_nothing_but_is_recorded_and_notified(supplier, agent):
    action = take(supplier, agent, kind="warn", clause="6.2 (v)", reason="Late shipping.")

    assert list(actions_in_force(supplier)) == [action]
    assert all(feature_allowed(supplier, f).allowed for f in services.Feature.values)
    notice = Notice.objects.get(member=supplier)
    assert notice.kind == "disciplinary"
    assert "clause 6.2 (v)" in notice.subject
    assert "Late shipping." in notice.body
    assert "Redress:" in notice.body


# --- Expiry -------------------------------------------------------------------------------


def test_an_expired_suspension_lifts_itself_at_login_with_a_system_audit_row(supplier, agent):
    action = take(supplier, agent, ends_at=timezone.now() + timedelta(days=7))
    past(action)

    user = login(supplier)

    assert user.member.status == MemberStatus.ACTIVE
    action.refresh_from_db()
    assert (action.status, action.effective_status) == (ActionStatus.EXPIRED, "expired")
    assert AuditEntry.objects.get(action="action.expired").actor_label == "system"
    assert list(actions_in_force(supplier)) == []


def test_a_restriction_past_its_end_no_longer_counts_even_before_any_tidying(supplier, agent):
    action = take(
        supplier,
        agent,
        kind="restrict_feature",
        clause="6.2 (iv)",
        feature="orders",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    assert feature_allowed(supplier, "orders").allowed is False

    later = timezone.now() + timedelta(hours=2)

    assert feature_allowed(supplier, "orders", later).allowed is True
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_FORCE
    assert action.effective_status == ActionStatus.IN_FORCE


def test_the_expire_command_tidies_up(supplier, agent):
    action = take(supplier, agent, ends_at=timezone.now() + timedelta(days=1))
    past(action)

    call_command("trust", "expire-actions")

    action.refresh_from_db()
    supplier.refresh_from_db()
    assert (action.status, supplier.status) == (ActionStatus.EXPIRED, MemberStatus.ACTIVE)


def test_a_second_suspension_keeps_the_member_suspended_when_the_first_ends(supplier, agent):
    first = take(supplier, agent, ends_at=timezone.now() + timedelta(days=1))
    take(supplier, agent, reason="Second breach.")
    past(first)

    with pytest.raises(AccountNotActive):
        login(supplier)

    first.refresh_from_db()
    assert first.status == ActionStatus.EXPIRED


# --- Four eyes and clusters ---------------------------------------------------------------


def test_four_eyes_on_a_cluster_suspension(supplier, agent, second, cluster):
    staff = client_for(agent)
    body = {
        "member_id": supplier.member_id,
        "kind": "suspend",
        "include_related": True,
        "clause": "6.2 (i)",
        "reason": "Fraud ring.",
    }
    created = staff.post("/staff/actions", body)
    assert created.status_code == 201
    data = created.json()
    assert data["status"] == "pending_approval"
    assert sorted(r["member_id"] for r in data["related"]) == sorted(m.member_id for m in cluster)
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE

    own = staff.post(f"/staff/actions/{data['id']}/approve")
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "four_eyes_same_staff"

    approved = client_for(second).post(f"/staff/actions/{data['id']}/approve")

    assert approved.status_code == 200
    assert approved.json()["status"] == "in_force"
    assert approved.json()["decided_by"] == "second"
    for member in [supplier, *cluster]:
        member.refresh_from_db()
        assert member.status == MemberStatus.SUSPENDED
    assert {r["status"] for r in approved.json()["related"]} == {"in_force"}
    assert AuditEntry.objects.filter(action="action.approved").count() == 3


def test_a_suspension_without_the_cluster_is_in_force_at_once(supplier, agent, cluster):
    action = take(supplier, agent)

    assert action.status == ActionStatus.IN_FORCE
    cluster[0].refresh_from_db()
    assert cluster[0].status == MemberStatus.ACTIVE


def test_a_rejected_proposal_changes_nothing(supplier, agent, second):
    action = take(supplier, agent, kind="terminate")

    response = client_for(second).post(f"/staff/actions/{action.pk}/reject", {"reason": "Weak."})

    assert response.json()["status"] == "rejected"
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE
    assert Notice.objects.filter(member=supplier).count() == 0
    assert client_for(second).post(f"/staff/actions/{action.pk}/approve").status_code == 409


def test_lifting_a_cluster_suspension_reinstates_every_member(supplier, agent, second, cluster):
    action = take(supplier, agent, include_related=True)
    services.action_approve(action=action, by=second)

    response = client_for(agent).post(f"/staff/actions/{action.pk}/lift", {"reason": "Cleared."})

    assert response.status_code == 200
    assert response.json()["status"] == "lifted"
    for member in [supplier, *cluster]:
        member.refresh_from_db()
        assert member.status == MemberStatus.ACTIVE
    assert AuditEntry.objects.filter(action="action.lifted").count() == 3


# --- API validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"clause": "9.9"}, "clause"),
        ({"kind": "banish"}, "kind"),
        ({"reason": " "}, "reason"),
        ({"kind": "restrict_feature", "feature": "teleport"}, "feature"),
        ({"kind": "restrict_feature"}, "feature"),
        ({"kind": "cap_listings"}, "cap"),
        ({"ends_at": "2001-01-01T00:00:00Z"}, "ends_at"),
        ({"member_id": "nobody"}, "member_id"),
    ],
)
def test_bad_input_is_422(supplier, agent, change, field):
    body = {"member_id": supplier.member_id, "kind": "warn", "clause": "6.2 (v)", "reason": "x"}

    response = client_for(agent).post("/staff/actions", {**body, **change})

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert Action.objects.count() == 0


def test_staff_list_a_members_actions_paged(supplier, agent):
    take(supplier, agent, kind="warn", clause="6.2 (v)")
    take(supplier, agent, kind="restrict", clause="6.2 (ii)")
    take(member_create(), agent, kind="warn", clause="6.2 (v)")

    response = client_for(agent).get(f"/staff/actions?member_id={supplier.member_id}&limit=1")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [a["kind"] for a in response.json()["items"]] == ["restrict"]


# --- Appeals ------------------------------------------------------------------------------


def test_a_member_appeals_once_and_other_staff_overturn_it(supplier, agent, second):
    action = take(supplier, agent, kind="restrict", clause="6.2 (ii)")
    member_api = client_for(supplier.user)

    mine = member_api.get("/members/me/actions").json()
    assert mine["count"] == 1
    assert "clause 6.2 (ii)" in mine["items"][0]["statement_of_reasons"]
    assert mine["items"][0]["can_appeal"] is True

    filed = member_api.post("/members/me/appeals", {"action_id": action.pk, "statement": "Wrong."})
    assert filed.status_code == 201
    again = member_api.post("/members/me/appeals", {"action_id": action.pk, "statement": "Again."})
    assert again.status_code == 409
    appeal_id = filed.json()["id"]

    by_taker = client_for(agent).post(
        f"/staff/appeals/{appeal_id}/decide", {"outcome": "overturned", "reason": "Mine."}
    )
    assert by_taker.status_code == 403
    assert by_taker.json()["error"]["code"] == "appeal_same_staff"

    decided = client_for(second).post(
        f"/staff/appeals/{appeal_id}/decide", {"outcome": "overturned", "reason": "No evidence."}
    )

    assert decided.status_code == 200
    assert decided.json()["outcome"] == "overturned"
    action.refresh_from_db()
    assert action.status == ActionStatus.LIFTED
    assert feature_allowed(supplier, "orders").allowed is True
    assert [a.action for a in AuditEntry.objects.filter(target_type__in=["action", "appeal"])] == [
        "action.taken",
        "appeal.filed",
        "appeal.decided",
        "action.lifted",
    ]
    subjects = list(Notice.objects.filter(member=supplier).values_list("subject", flat=True))
    assert any("overturned" in s for s in subjects)


def test_an_upheld_appeal_leaves_the_action(supplier, agent, second):
    action = take(supplier, agent, kind="warn", clause="6.2 (v)")
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Unfair.")

    services.appeal_decide(appeal=appeal, outcome="upheld", reason="Stands.", by=second)

    action.refresh_from_db()
    assert action.status == ActionStatus.IN_FORCE
    assert Appeal.objects.get().outcome == "upheld"
    with pytest.raises(Conflict):
        services.appeal_decide(appeal=appeal, outcome="overturned", reason="x", by=second)


def test_the_approver_cannot_decide_the_appeal_either(supplier, agent, second):
    third = staff_create(username="third", role="Trust & safety agent")
    action = take(supplier, agent, kind="terminate")
    services.action_approve(action=action, by=second)
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Unfair.")

    with pytest.raises(services.AppealSameStaff):
        services.appeal_decide(appeal=appeal, outcome="upheld", reason="x", by=second)

    assert services.appeal_decide(appeal=appeal, outcome="upheld", reason="x", by=third).outcome


def test_a_member_cannot_appeal_someone_elses_action(supplier, agent):
    other = member_create()
    action = take(other, agent, kind="warn", clause="6.2 (v)")

    response = client_for(supplier.user).post(
        "/members/me/appeals", {"action_id": action.pk, "statement": "Not mine."}
    )

    assert response.status_code == 404
    assert Appeal.objects.count() == 0


def test_a_proposal_is_not_appealable_nor_shown_to_the_member(supplier, agent):
    action = take(supplier, agent, kind="terminate")

    with pytest.raises(services.NotFound):
        services.appeal_file(member=supplier, action_id=action.pk, statement="x")

    assert client_for(supplier.user).get("/members/me/actions").json()["count"] == 0


# --- Notices and the statement of reasons -------------------------------------------------


def test_the_notice_carries_the_statement_of_reasons(supplier, agent):
    ends = timezone.now() + timedelta(days=14)
    take(
        supplier,
        agent,
        kind="restrict",
        clause="6.3 a",
        reason="Goods not delivered.",
        facts="Three buyers paid and received nothing.",
        ends_at=ends,
    )

    notice = Notice.objects.get(member=supplier)

    assert notice.channel == "email"
    assert "clause 6.3 a" in notice.body
    assert "Three buyers paid and received nothing." in notice.body
    assert f"until {ends:%Y-%m-%d %H:%M} UTC" in notice.body
    assert "own initiative" in notice.body


def test_the_dsa_export_uses_the_transparency_database_fields(supplier, agent):
    action = take(
        supplier,
        agent,
        reason="Fraud.",
        clause="6.3 b",
        source="notice",
        automated_detection=True,
        territorial_scope=["DE", "FR"],
        ends_at=timezone.now() + timedelta(days=7),
    )
    take(member_create(), agent, kind="terminate")  # a proposal has no statement yet

    response = client_for(agent).get("/staff/actions/statements?since=2000-01-01T00:00:00Z")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    row = response.json()["items"][0]
    assert row["puid"] == f"tradepost-action-{action.pk}"
    assert row["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert row["decision_provision"] == "DECISION_PROVISION_TOTAL_SUSPENSION"
    assert row["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert row["decision_monetary"] is None
    assert row["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert row["incompatible_content_ground"] == "Terms of Use, clause 6.3 b"
    assert row["category"] == "STATEMENT_CATEGORY_FRAUD"
    assert row["source_type"] == "SOURCE_ARTICLE_16"
    assert (row["automated_detection"], row["automated_decision"]) == ("Yes", "No")
    assert row["territorial_scope"] == ["DE", "FR"]
    assert row["application_date"] == action.starts_at.strftime("%Y-%m-%d")
    assert row["end_date"] == action.ends_at.strftime("%Y-%m-%d")
    later = client_for(agent).get("/staff/actions/statements?since=2999-01-01T00:00:00Z")
    assert later.json()["count"] == 0


def test_every_step_writes_an_audit_row_with_its_actor(supplier, agent, second):
    action = take(supplier, agent, kind="terminate")
    services.action_reject(action=action, by=second, reason="Not enough.")
    other = take(supplier, agent, kind="restrict", clause="6.2 (ii)")
    services.action_lift(action=other, by=second, reason="Done.")

    rows = AuditEntry.objects.filter(target_type="action").order_by("id")

    assert [(r.action, r.actor_label) for r in rows] == [
        ("action.taken", "agent"),
        ("action.rejected", "second"),
        ("action.taken", "agent"),
        ("action.lifted", "second"),
    ]
    assert {r.member_id for r in rows} == {supplier.member_id}


def test_an_automated_action_names_the_system(supplier):
    action = take(supplier, None, kind="restrict", clause="6.2 (ii)", source="penalty")

    assert action.created_by is None
    assert AuditEntry.objects.get(action="action.taken").actor_label == "system"


def test_a_termination_has_no_end(supplier, agent):
    with pytest.raises(InvalidInput) as error:
        take(supplier, agent, kind="terminate", ends_at=timezone.now() + timedelta(days=1))

    assert list(error.value.fields) == ["ends_at"]


# --- Roles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "take_status", "approve_status", "list_status"),
    [
        ("Support agent", 403, 403, 200),
        ("Legal counsel", 403, 403, 200),
        ("Compliance officer", 201, 403, 200),
        ("Trust & safety agent", 201, 404, 200),
    ],
)
def test_roles(supplier, role, take_status, approve_status, list_status):
    staff = client_for(staff_create(username="someone", role=role))
    body = {"member_id": supplier.member_id, "kind": "warn", "clause": "6.2 (v)", "reason": "x"}

    assert staff.post("/staff/actions", body).status_code == take_status
    assert staff.post("/staff/actions/999999/approve").status_code == approve_status
    assert staff.get("/staff/actions").status_code == list_status


def test_members_get_403_on_staff_operations(supplier):
    response = client_for(supplier.user).get("/staff/actions")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "staff_only"


# --- Pages --------------------------------------------------------------------------------


def test_the_members_page_lists_actions_with_the_statement_and_an_appeal_form(supplier, agent):
    action = take(supplier, agent, kind="restrict", clause="6.2 (ii)", reason="Late goods.")
    client = Client()
    client.force_login(supplier.user)

    page = client.get("/account/actions/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Late goods." in html
    assert "6.2 (ii)" in html
    assert '<span class="badge status status-in_force">In force</span>' in html
    assert f'name="action_id" value="{action.pk}"' in html

    posted = client.post("/account/actions/", {"action_id": action.pk, "statement": "Unfair."})

    assert posted.status_code == 302
    assert Appeal.objects.get().statement == "Unfair."
    assert 'name="action_id"' not in client.get("/account/actions/").content.decode()


def test_tokens_issued_before_a_suspension_stay_revoked_after_it(supplier, agent):
    api_token_create(user=supplier.user, name="ERP")
    action = take(supplier, agent, ends_at=timezone.now() + timedelta(days=1))
    past(action)

    login(supplier)

    assert ApiToken.objects.filter(user=supplier.user, revoked_at__isnull=True).count() == 0


def test_a_suspended_member_appeals_through_the_link_in_its_notice(supplier, agent):
    action = take(supplier, agent, reason="Fraud check.")
    body = Notice.objects.get(member=supplier).body
    path = body.rsplit("Appeal (no login needed, for six months): ", 1)[1].strip()
    client = Client()

    page = client.get(path)

    assert page.status_code == 200
    assert "Fraud check." in page.content.decode()
    posted = client.post(path, {"action_id": action.pk, "statement": "Not us."})
    assert posted.status_code == 302
    assert Appeal.objects.get().member == supplier
    assert client.get(path[:-3] + "xx/").status_code == 404


# --- Console ------------------------------------------------------------------------------


def test_the_console_approves_through_the_service_and_refuses_the_proposer(supplier, agent, second):
    action = take(supplier, agent, kind="terminate")
    url = "/console/trust/action/"
    proposer, approver = Client(), Client()
    proposer.force_login(agent)
    approver.force_login(second)

    proposer.post(url, {"action": "approve", "_selected_action": [action.pk]})
    action.refresh_from_db()
    assert action.status == ActionStatus.PENDING_APPROVAL

    approver.post(url, {"action": "approve", "_selected_action": [action.pk]})

    action.refresh_from_db()
    supplier.refresh_from_db()
    assert (action.status, action.decided_by, supplier.status) == (
        ActionStatus.IN_FORCE,
        second,
        MemberStatus.TERMINATED,
    )
    assert approver.get(f"{url}?kind=terminate&status=in_force").status_code == 200
    assert approver.get(f"{url}{action.pk}/change/").status_code == 200


def test_the_console_lifts_with_a_reason(supplier, agent):
    action = take(supplier, agent)
    client = Client()
    client.force_login(agent)
    url = "/console/trust/action/"

    form = client.post(url, {"action": "lift", "_selected_action": [action.pk]})
    assert form.status_code == 200
    client.post(
        url,
        {"action": "lift", "_selected_action": [action.pk], "apply": "1", "reason": "Cleared."},
    )

    action.refresh_from_db()
    supplier.refresh_from_db()
    assert (action.status, action.end_reason, supplier.status) == (
        ActionStatus.LIFTED,
        "Cleared.",
        MemberStatus.ACTIVE,
    )


def test_the_console_decides_an_appeal(supplier, agent, second):
    action = take(supplier, agent, kind="restrict", clause="6.2 (ii)")
    appeal = services.appeal_file(member=supplier, action_id=action.pk, statement="Unfair.")
    client = Client()
    client.force_login(second)

    client.post(
        "/console/trust/appeal/",
        {
            "action": "decide",
            "_selected_action": [appeal.pk],
            "apply": "1",
            "outcome": "overturned",
            "reason": "No evidence.",
        },
    )

    appeal.refresh_from_db()
    action.refresh_from_db()
    assert (appeal.outcome, action.status) == ("overturned", ActionStatus.LIFTED)


def test_the_last_suspension_to_end_reinstates(supplier, agent):
    first = take(supplier, agent, ends_at=timezone.now() + timedelta(days=1))
    second = take(supplier, agent, reason="Second breach.")
    past(first)
    services.actions_expire_due()
    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.SUSPENDED

    services.action_lift(action=second, by=agent, reason="Both cleared.")

    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.ACTIVE


def test_lifting_an_action_leaves_a_suspension_staff_made_by_hand(supplier, agent):
    from tradepost.trust.services import member_suspend

    member_suspend(member=supplier, reason="By hand.", by=agent)
    action = take(supplier, agent)

    services.action_lift(action=action, by=agent, reason="Action cleared.")

    supplier.refresh_from_db()
    assert supplier.status == MemberStatus.SUSPENDED

"""Related accounts (clauses 4.1, 4.5, 6.2 (i)): signals, links, clusters, false positives,
the rebuild, account sharing, the device cookie and the staff API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ApiClient
from tests.factories import PASSWORD, member_create, registration_payload, staff_create
from tradepost.audit.models import AuditEntry
from tradepost.members.models import Member
from tradepost.members.services import api_token_create
from tradepost.policy import PolicyError
from tradepost.policy.related_accounts import (
    load_related_accounts_policy,
    parse_related_accounts_policy,
)
from tradepost.trust.middleware import DEVICE_COOKIE
from tradepost.trust.models import IdentitySignal, Link, LinkStatus, MemberCluster, SharingAlert
from tradepost.trust.rules.links import ip_prefix, link_decide, mask_value
from tradepost.trust.selectors.links import cluster_of, related_member_ids
from tradepost.trust.services.links import (
    clusters_rebuild,
    link_false_positive,
    signal_record,
    signals_from_login,
)

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def _partition() -> set[frozenset[int]]:
    """The clusters of two or more, as sets of member keys."""
    groups: dict[int, set[int]] = {}
    for member_id, root in MemberCluster.objects.values_list("member_id", "root"):
        groups.setdefault(root, set()).add(member_id)
    return {frozenset(g) for g in groups.values()}


def _members(n: int) -> list[Member]:
    return [member_create() for _ in range(n)]


# --- Rules ------------------------------------------------------------------------------------


def test_policy_weighs_every_kind_and_rejects_unknown_ones():
    policy = load_related_accounts_policy()
    assert {"device", "instrument", "second_account"} <= policy.strong_kinds()
    assert "ip_prefix" not in policy.strong_kinds()
    data = policy.model_dump()
    data["kinds"]["fax"] = {"weight": 1, "links_alone": True, "label": "same fax"}
    with pytest.raises(PolicyError, match="unknown signal kinds"):
        parse_related_accounts_policy(data)


@pytest.mark.parametrize(
    ("kinds", "marked", "linked", "rule"),
    [
        ({"device"}, set(), True, "related.strong:device"),
        ({"ip", "ip_prefix"}, set(), False, "related.not_enough"),
        ({"ip", "ip_prefix", "shipping_address"}, set(), True, "related.weak_sum"),
        ({"device", "ip"}, {"device"}, False, "related.not_enough"),
        ({"device", "email"}, {"device"}, True, "related.strong:email"),
    ],
)
def test_link_decide(kinds, marked, linked, rule):
    decision = link_decide(
        shared_kinds=kinds, false_positive_kinds=marked, policy=load_related_accounts_policy()
    )
    assert (decision.linked, decision.rule, decision.clause) == (linked, rule, "6.2 (i)")


def test_prefixes_and_masks():
    assert ip_prefix("203.0.113.77") == "203.0.113.0/24"
    assert ip_prefix("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert ip_prefix("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert ip_prefix("not an address") is None
    assert mask_value("phone", "+8613812341234") == "+86 138****1234"
    assert mask_value("email", "bill@example.com") == "b…@example.com"
    assert mask_value("ip", "203.0.113.77") == "203.0.113.x"


# --- Linking ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_weak_signals_alone_do_not_link():
    a, b = _members(2)
    for m in (a, b):
        signal_record(member=m, kind="ip", value="192.0.2.44", source="login", now=T0)
        signal_record(member=m, kind="ip_prefix", value="192.0.2.0/24", source="login", now=T0)
    assert Link.objects.filter(a=min(a.pk, b.pk), b=max(a.pk, b.pk)).count() == 0
    assert related_member_ids(a) == [a.member_id]


@pytest.mark.django_db
def test_weak_signals_in_combination_link():
    a, b = _members(2)
    for m in (a, b):
        signal_record(member=m, kind="ip", value="192.0.2.44", source="login", now=T0)
        signal_record(member=m, kind="ip_prefix", value="192.0.2.0/24", source="login", now=T0)
        signal_record(member=m, kind="shipping_address", value="addr-fp-1", source="trade", now=T0)
    link = Link.objects.get(a=min(a.pk, b.pk), b=max(a.pk, b.pk))
    assert link.status == LinkStatus.ACTIVE
    assert link.kinds == ["ip", "ip_prefix", "shipping_address"]
    assert related_member_ids(b) == [b.member_id, a.member_id]


@pytest.mark.django_db
def test_a_shared_device_links_with_dated_evidence_and_clusters_transitively():
    a, b, c = _members(3)
    signal_record(member=a, kind="device", value="d" * 32, source="login", now=T0)
    signal_record(member=b, kind="device", value="d" * 32, source="login", now=T0 + timedelta(1))
    signal_record(member=b, kind="phone", value="+8613812341234", source="trade", now=T0)
    signal_record(member=c, kind="phone", value="+8613812341234", source="trade", now=T0)
    ab = Link.objects.get(a=a, b=b)
    assert ab.evidence["device"] == "same device since 2026-11-04"
    assert ab.kinds == ["device", "ip", "ip_prefix"]
    bc = Link.objects.get(a=b, b=c)
    assert bc.evidence["phone"] == "same phone +86 138****1234 since 2026-11-03"
    assert related_member_ids(a) == [a.member_id, b.member_id, c.member_id]
    assert [m.pk for m in cluster_of(c)] == [c.pk, a.pk, b.pk]
    root = MemberCluster.objects.get(member=a).root
    assert MemberCluster.objects.get(member_id=root).size == 3


@pytest.mark.django_db
def test_many_members_behind_one_address_or_device_do_not_become_one_cluster():
    cap = load_related_accounts_policy().value_member_cap
    members = _members(cap + 5)
    for m in members:
        signal_record(member=m, kind="device", value="test-client", source="login", now=T0)
    assert MemberCluster.objects.count() == 0
    assert Link.objects.filter(status=LinkStatus.ACTIVE).count() == 0
    assert Link.objects.filter(status=LinkStatus.LAPSED).count() == cap * (cap - 1) // 2
    assert related_member_ids(members[0]) == [members[0].member_id]
    clusters_rebuild()
    assert MemberCluster.objects.count() == 0


@pytest.mark.django_db
def test_a_capped_value_keeps_the_links_that_other_evidence_makes():
    cap = load_related_accounts_policy().value_member_cap
    members = _members(cap + 1)
    signal_record(member=members[0], kind="email", value="x@example.com", source="t", now=T0)
    signal_record(member=members[1], kind="email", value="x@example.com", source="t", now=T0)
    for m in members:
        signal_record(member=m, kind="device", value="shared-kiosk", source="login", now=T0)
    assert _partition() == {frozenset({members[0].pk, members[1].pk})}
    link = Link.objects.get(a=members[0], b=members[1])
    assert link.kinds == ["email"]


# --- False positives --------------------------------------------------------------------------


@pytest.mark.django_db
def test_false_positive_unlinks_and_only_a_new_kind_relinks():
    a, b, c = _members(3)
    staff = staff_create(username="tsa", role="Trust & safety agent")
    signal_record(member=a, kind="device", value="dev-1", source="login", now=T0)
    signal_record(member=b, kind="device", value="dev-1", source="login", now=T0)
    signal_record(member=b, kind="instrument", value="card-1", source="trade", now=T0)
    signal_record(member=c, kind="instrument", value="card-1", source="trade", now=T0)
    link = Link.objects.get(a=a, b=b)
    link_false_positive(link_id=link.pk, by=staff, reason="Shared office kiosk.")
    link.refresh_from_db()
    # Registered from one address (the factories'): device, ip and ip_prefix are all marked.
    assert link.status == LinkStatus.FALSE_POSITIVE
    assert link.false_positive_kinds == ["device", "ip", "ip_prefix"]
    assert related_member_ids(a) == [a.member_id]
    assert related_member_ids(b) == [b.member_id, c.member_id]
    row = AuditEntry.objects.get(action="links.false_positive")
    assert (row.actor_label, row.reason, row.clause) == ("tsa", "Shared office kiosk.", "6.2 (i)")
    # The same kind again (another device shared) does not relink.
    signal_record(member=a, kind="device", value="dev-2", source="login", now=T0)
    signal_record(member=b, kind="device", value="dev-2", source="login", now=T0)
    link.refresh_from_db()
    assert link.status == LinkStatus.FALSE_POSITIVE
    # A weak new kind alone is not enough either.
    signal_record(member=a, kind="shipping_address", value="s-1", source="trade", now=T0)
    signal_record(member=b, kind="shipping_address", value="s-1", source="trade", now=T0)
    link.refresh_from_db()
    assert link.status == LinkStatus.FALSE_POSITIVE
    # New evidence of another strong kind links them again.
    signal_record(member=a, kind="phone", value="+4930123456", source="trade", now=T0)
    signal_record(member=b, kind="phone", value="+4930123456", source="trade", now=T0)
    link.refresh_from_db()
    assert link.status == LinkStatus.ACTIVE
    assert related_member_ids(a) == [a.member_id, b.member_id, c.member_id]
    assert AuditEntry.objects.filter(action="links.relinked", target_id=str(link.pk)).count() == 1


@pytest.mark.django_db
def test_false_positive_needs_a_reason():
    a, b = _members(2)
    staff = staff_create(username="tsa", role="Trust & safety agent")
    signal_record(member=a, kind="device", value="dev-1", source="login", now=T0)
    signal_record(member=b, kind="device", value="dev-1", source="login", now=T0)
    link = Link.objects.get(a=a, b=b)
    from tradepost.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        link_false_positive(link_id=link.pk, by=staff, reason="  ")
    assert exc.value.code == "reason_required"
    assert Link.objects.get(pk=link.pk).status == LinkStatus.ACTIVE


# --- Rebuild equals incremental -----------------------------------------------------------------

_KINDS = ["device", "email", "ip", "ip_prefix", "shipping_address"]


def _signals_reset():
    from tradepost.trust.models import SignalValue

    MemberCluster.objects.all().delete()
    Link.objects.all().delete()
    IdentitySignal.objects.all().delete()
    SignalValue.objects.all().delete()


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    signals=st.lists(
        # (member, kind, value, then mark the newest active link a false positive?)
        st.tuples(st.integers(0, 7), st.sampled_from(_KINDS), st.integers(0, 3), st.booleans()),
        min_size=1,
        max_size=40,
    ),
    cap=st.integers(2, 4),
)
def test_rebuild_gives_the_incremental_clusters(signals, cap, monkeypatch):
    """A random graph of signals (small value pools, so values are shared, some past the
    cap), with false-positive marks on the way: the clusters kept up to date signal by
    signal are the clusters the rebuild computes from scratch."""
    from tradepost.members.models import User
    from tradepost.trust.services import links as link_services

    policy = load_related_accounts_policy().model_copy(update={"value_member_cap": cap})
    monkeypatch.setattr(link_services, "load_related_accounts_policy", lambda: policy)
    members = list(Member.objects.order_by("pk")[:8])
    members += [member_create() for _ in range(8 - len(members))]
    staff = User.objects.filter(username="prop").first() or staff_create(username="prop")
    _signals_reset()
    for i, kind, value, mark in signals:
        signal_record(member=members[i], kind=kind, value=f"{kind}-{value}", source="t", now=T0)
        link = Link.objects.filter(status=LinkStatus.ACTIVE).order_by("-pk").first()
        if mark and link is not None:
            link_false_positive(link_id=link.pk, by=staff, reason="Checked.")
    incremental = _partition()
    clusters_rebuild()
    assert _partition() == incremental


# --- Statements per incremental add ----------------------------------------------------------


def _statements(**signal) -> list[str]:
    """The SQL an incremental add runs (savepoints aside: the test's own transaction makes
    the service's atomic block one)."""
    with CaptureQueriesContext(connection) as queries:
        signal_record(source="t", now=T0 + timedelta(days=1), **signal)
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "expected"),
    [("new value", 3), ("repeat sighting", 3), ("shared, too weak to link", 5)],
)
def test_an_add_that_links_nobody_runs_at_most_five_statements(case, expected):
    a, b = _members(2)
    _signals_reset()
    signal_record(member=a, kind="ip", value="192.0.2.44", source="t", now=T0)
    if case == "new value":
        signal = {"member": b, "kind": "ip", "value": "192.0.2.45"}
    elif case == "repeat sighting":
        signal = {"member": a, "kind": "ip", "value": "192.0.2.44"}
    else:
        signal = {"member": b, "kind": "ip", "value": "192.0.2.44"}
    assert len(_statements(**signal)) == expected
    assert Link.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("holders", [2, 6])
def test_an_add_that_links_many_runs_the_statements_of_one_link(holders):
    """The newcomer's client address, held by every holder, tips each pair (newcomer, holder)
    over the threshold (with a shipping address and a network they share already); each
    holder is in a cluster of its own (an email shared with a partner). The add links to all
    of them and unites every cluster, in the same nine statements whatever their number."""
    members = _members(2 * holders + 1)
    _signals_reset()
    newcomer, pairs = members[0], list(zip(members[1::2], members[2::2], strict=True))
    for i, (holder, partner) in enumerate(pairs):
        for m in (holder, partner):
            signal_record(member=m, kind="email", value=f"{i}@example.com", source="t", now=T0)
        for m in (holder, newcomer):
            signal_record(member=m, kind="shipping_address", value=f"a{i}", source="t", now=T0)
            signal_record(member=m, kind="ip_prefix", value=f"198.51.{i}.0/24", source="t", now=T0)
        signal_record(member=holder, kind="ip", value="192.0.2.9", source="t", now=T0)
    assert len(_partition()) == holders
    statements = _statements(member=newcomer, kind="ip", value="192.0.2.9")
    assert len(statements) == 9
    assert _partition() == {frozenset(m.pk for m in members)}
    root = MemberCluster.objects.get(member=newcomer).root
    assert MemberCluster.objects.get(member_id=root).size == 2 * holders + 1
    assert Link.objects.filter(status=LinkStatus.ACTIVE).count() == 2 * holders


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [3, 7])
def test_an_add_reaching_the_cap_runs_a_fixed_number_of_statements(cap, monkeypatch):
    """The holder-cap path: the links among every holder are re-evaluated without the value
    and the clusters recomputed in twelve statements, whatever the number of holders."""
    from tradepost.trust.services import links as link_services

    policy = load_related_accounts_policy().model_copy(update={"value_member_cap": cap})
    monkeypatch.setattr(link_services, "load_related_accounts_policy", lambda: policy)
    members = _members(cap + 1)
    _signals_reset()
    for m in members[:2]:
        signal_record(member=m, kind="email", value="x@example.com", source="t", now=T0)
    for m in members[:cap]:
        signal_record(member=m, kind="device", value="shared-kiosk", source="t", now=T0)
    assert _partition() == {frozenset(m.pk for m in members[:cap])}
    statements = _statements(member=members[cap], kind="device", value="shared-kiosk")
    assert len(statements) == 12
    assert _partition() == {frozenset({members[0].pk, members[1].pk})}
    assert Link.objects.filter(status=LinkStatus.LAPSED).count() == cap * (cap - 1) // 2 - 1


# --- Account sharing (4.5) ----------------------------------------------------------------------


@pytest.mark.django_db
def test_many_devices_in_the_window_raise_one_sharing_alert():
    member = member_create()
    limit = load_related_accounts_policy().sharing.max_devices
    for i in range(limit):
        signals_from_login(member=member, ip=None, device_id=f"{i:032x}", now=T0)
    assert SharingAlert.objects.count() == 0
    signals_from_login(member=member, ip=None, device_id=f"{99:032x}", now=T0)
    signals_from_login(member=member, ip=None, device_id=f"{98:032x}", now=T0)
    alert = SharingAlert.objects.get()
    assert (alert.rule, alert.clause, alert.detail["seen"]) == ("sharing.devices", "4.5", limit + 2)


@pytest.mark.django_db
def test_devices_spread_beyond_the_window_raise_nothing():
    member = member_create()
    window = load_related_accounts_policy().sharing.window_hours
    for i in range(10):
        at = T0 + timedelta(hours=(window + 1) * i)
        signals_from_login(member=member, ip=None, device_id=f"{i:032x}", now=at)
    assert SharingAlert.objects.count() == 0


@pytest.mark.django_db
def test_many_countries_raise_a_sharing_alert():
    member = member_create()
    for n, country in enumerate(("DE", "CN", "US", "BR")):
        ip = f"192.0.{n}.9"
        signals_from_login(member=member, ip=ip, device_id="", country=country, now=T0)
    assert SharingAlert.objects.get().rule == "sharing.countries"


# --- Device cookie, registration and login --------------------------------------------------


@pytest.mark.django_db
def test_first_visit_sets_the_device_cookie_and_later_visits_keep_it(client):
    first = client.get("/api/v1/openapi.json")
    cookie = first.cookies[DEVICE_COOKIE]
    assert len(cookie.value) == 32
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 2 * 365 * 24 * 3600
    second = client.get("/api/v1/openapi.json")
    assert DEVICE_COOKIE not in second.cookies


@pytest.mark.django_db
def test_an_answer_that_hands_out_a_device_id_is_never_stored_by_a_shared_cache(client):
    # A proxy that stored it would give every visitor behind it the same device, one cluster.
    first = client.get("/")
    assert DEVICE_COOKIE in first.cookies
    assert "private" in first["Cache-Control"]


def test_a_public_cacheable_answer_carries_no_device_cookie():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from tradepost.trust.middleware import DeviceMiddleware

    def image_view(request):
        response = HttpResponse(b"png")
        response["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

    response = DeviceMiddleware(image_view)(RequestFactory().get("/media/listings/a.png"))
    assert DEVICE_COOKIE not in response.cookies
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.django_db
def test_api_registration_and_login_honour_the_device_cookie():
    api = ApiClient()
    api.get("/openapi.json")
    device = api.client.cookies[DEVICE_COOKIE].value
    first = api.post("/members", registration_payload())
    assert first.status_code == 201
    second = api.post("/members", registration_payload())
    assert second.status_code == 201
    a = Member.objects.get(member_id=first.json()["member_id"])
    b = Member.objects.get(member_id=second.json()["member_id"])
    assert IdentitySignal.objects.get(member=a, kind="device").source == "registration"
    assert related_member_ids(a) == [a.member_id, b.member_id]
    # A third member registered elsewhere logs in from this client: same device.
    c = member_create()
    login = api.post("/auth/login", {"login": c.member_id, "password": PASSWORD})
    assert login.status_code == 200
    assert IdentitySignal.objects.filter(member=c, kind="device", source="login").count() == 1
    assert set(related_member_ids(c)) == {a.member_id, b.member_id, c.member_id}
    assert device == api.client.cookies[DEVICE_COOKIE].value


@pytest.mark.django_db
def test_staff_logins_record_nothing():
    staff_create(username="tsa", role="Trust & safety agent")
    api = ApiClient()
    assert api.post("/auth/login", {"login": "tsa", "password": PASSWORD}).status_code == 200
    assert IdentitySignal.objects.count() == 0


@pytest.mark.django_db
def test_registration_records_the_normalised_identifiers():
    member = member_create(registration_number="HRB 12345")
    kinds = set(IdentitySignal.objects.filter(member=member).values_list("kind", flat=True))
    assert kinds == {"email", "phone", "registration_no", "ip", "ip_prefix"}


# --- Staff API -----------------------------------------------------------------------------------


def _staff_api(role: str, username: str = "agent") -> ApiClient:
    user = staff_create(username=username, role=role)
    _, raw = api_token_create(user=user, name="t")
    return ApiClient(token=raw)


@pytest.mark.django_db
def test_related_api_contract_and_false_positive():
    a, b = _members(2)
    signal_record(member=a, kind="device", value="dev-1", source="login", now=T0)
    signal_record(member=b, kind="device", value="dev-1", source="login", now=T0)
    api = _staff_api("Trust & safety agent")
    body = api.get(f"/staff/members/{a.member_id}/related").json()
    link = Link.objects.get()
    assert body["member_id"] == a.member_id
    assert body["cluster"] == [a.member_id, b.member_id]
    assert [entry["kind"] for entry in body["links"]] == ["device", "ip", "ip_prefix"]
    assert body["links"][0] == {
        "id": link.pk,
        "a": a.member_id,
        "b": b.member_id,
        "kind": "device",
        "evidence": "same device since 2026-11-03",
        "kinds": ["device", "ip", "ip_prefix"],
        "status": "active",
        "first_seen": "2026-11-03T09:00:00Z",
    }
    missing = api.post(f"/staff/links/{link.pk}/false-positive", {"reason": ""})
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "reason_required"
    done = api.post(f"/staff/links/{link.pk}/false-positive", {"reason": "Same family."})
    assert done.status_code == 200
    assert done.json()["status"] == "false_positive"
    after = api.get(f"/staff/members/{a.member_id}/related").json()
    assert (after["cluster"], after["links"]) == ([a.member_id], [])
    assert api.post("/staff/links/999999/false-positive", {"reason": "x"}).status_code == 404
    huge = api.post(f"/staff/links/{2**70}/false-positive", {"reason": "x"})
    assert huge.status_code == 404
    assert api.get("/staff/members/xx0000000000/related").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "view", "change"),
    [
        ("Trust & safety agent", 200, 200),
        ("Compliance officer", 200, 403),
        ("Support agent", 200, 403),
        ("Legal counsel", 403, 403),
    ],
)
def test_related_api_permissions(role, view, change):
    a, b = _members(2)
    signal_record(member=a, kind="device", value="dev-1", source="login", now=T0)
    signal_record(member=b, kind="device", value="dev-1", source="login", now=T0)
    api = _staff_api(role)
    link = Link.objects.get()
    assert api.get(f"/staff/members/{a.member_id}/related").status_code == view
    answer = api.post(f"/staff/links/{link.pk}/false-positive", {"reason": "x"})
    assert answer.status_code == change
    if change == 403:
        assert answer.json()["error"]["code"] == "staff_permission_denied"


@pytest.mark.django_db
def test_members_get_403_from_the_related_api():
    a = member_create()
    _, raw = api_token_create(user=a.user, name="t")
    api = ApiClient(token=raw)
    answer = api.get(f"/staff/members/{a.member_id}/related")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "staff_only"


# --- Console and command ------------------------------------------------------------------------


def _linked_pair():
    a, b = _members(2)
    signal_record(member=a, kind="device", value="dev-1", source="login", now=T0)
    signal_record(member=b, kind="device", value="dev-1", source="login", now=T0)
    return a, b, Link.objects.get()


@pytest.mark.django_db
def test_console_cluster_page_shows_members_and_evidence(client):
    a, b, _link = _linked_pair()
    client.force_login(staff_create(username="tsa", role="Trust & safety agent"))
    page = client.get(f"/console/trust/link/cluster/{a.member_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert b.member_id in html
    assert "same device since 2026-11-03" in html
    assert "Mark false positive" in html
    assert client.get("/console/trust/link/cluster/xx0000000000/").status_code == 404


@pytest.mark.django_db
def test_console_action_marks_a_false_positive_through_the_service(client):
    _a, _b, link = _linked_pair()
    client.force_login(staff_create(username="tsa", role="Trust & safety agent"))
    url = "/console/trust/link/"
    form = client.post(url, {"action": "mark_false_positive", "_selected_action": [link.pk]})
    assert form.status_code == 200
    assert "Mark links as false positives" in form.content.decode()
    done = client.post(
        url,
        {
            "action": "mark_false_positive",
            "_selected_action": [link.pk],
            "apply": "1",
            "reason": "Same shared office PC.",
        },
    )
    assert done.status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.FALSE_POSITIVE
    assert link.decided_by.username == "tsa"
    assert AuditEntry.objects.get(action="links.false_positive").reason == "Same shared office PC."


@pytest.mark.django_db
def test_console_support_agent_sees_links_but_cannot_mark(client):
    a, _b, link = _linked_pair()
    client.force_login(staff_create(username="sa", role="Support agent"))
    page = client.get(f"/console/trust/link/cluster/{a.member_id}/")
    assert page.status_code == 200
    assert "Mark false positive" not in page.content.decode()
    client.post(
        "/console/trust/link/",
        {"action": "mark_false_positive", "_selected_action": [link.pk], "apply": "1",
         "reason": "x"},
    )  # fmt: skip
    assert Link.objects.get().status == LinkStatus.ACTIVE


@pytest.mark.django_db
def test_rebuild_command_reports_and_verifies():
    from io import StringIO

    from django.core.management import call_command

    a, b, _ = _linked_pair()
    out = StringIO()
    call_command("trust", "rebuild-clusters", "--verify", stdout=out)
    assert "Same clusters as before." in out.getvalue()
    assert _partition() == {frozenset({a.pk, b.pk})}
    MemberCluster.objects.all().delete()
    out = StringIO()
    call_command("trust", "rebuild-clusters", "--verify", stdout=out)
    assert "Clusters differed; now rebuilt." in out.getvalue()
    assert _partition() == {frozenset({a.pk, b.pk})}


@pytest.mark.django_db
def test_a_staff_approved_second_account_is_linked_to_the_first():
    from tradepost.errors import DomainError
    from tradepost.members.models import DuplicateSignal
    from tradepost.members.services import second_account_approve
    from tradepost.terms.registration import RegistrationInput, member_register

    first = member_create(country="DE")
    payload = registration_payload(country="DE", email=first.email, phone=first.phone)
    with pytest.raises(DomainError):
        member_register(data=RegistrationInput(**payload), ip="192.0.2.50")
    staff = staff_create(username="tsa", role="Trust & safety agent")
    second_account_approve(
        signal=DuplicateSignal.objects.filter(kind="email").get(), by=staff, reason="Group."
    )
    second = member_register(data=RegistrationInput(**payload), ip="192.0.2.50")
    link = Link.objects.get(a=first, b=second)
    assert {"second_account", "email", "phone"} <= set(link.kinds)
    assert link.status == LinkStatus.ACTIVE
    assert related_member_ids(second) == [second.member_id, first.member_id]

"""Clause 6.2: an action relies on a clause that grants that kind of measure (`kind_clauses`
in actions.toml): the pure rule, the policy's checks at load, the API, the console form and
the penalty thresholds that take actions by themselves."""

from __future__ import annotations

import copy
import re

import pytest
from django.test import Client

from tests.conftest import ApiClient
from tests.factories import member_create, staff_create
from tradepost.members.services import api_token_create
from tradepost.policy import POLICY_DIR, PolicyError, load_toml
from tradepost.policy.actions import KINDS, load_actions_policy, parse_actions_policy
from tradepost.policy.penalties import check_prescribed_clauses, load_penalties_policy
from tradepost.trust.models.actions import Action
from tradepost.trust.rules import actions as rules
from tradepost.trust.services import actions as services

POLICY = load_actions_policy()
BACKEND = "tradepost.members.backends.MemberLoginBackend"


@pytest.fixture
def supplier(db):
    return member_create(country="CN", roles=["supplier"])


@pytest.fixture
def agent(db):
    return staff_create(username="agent", role="Trust & safety agent")


def client_for(user) -> ApiClient:
    _, raw = api_token_create(user=user, name="test")
    return ApiClient(token=raw)


# --- The pure rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "clause", "allowed"),
    [
        ("warn", "6.2 (v)", True),
        ("warn", "6.2 (i)", False),
        ("warn", "5.9", False),
        ("other", "6.2 (v)", True),
        ("restrict", "6.2 (ii)", True),
        ("restrict", "6.2 (iv)", False),
        ("restrict", "6.5", True),
        ("restrict_feature", "6.2 (iv)", True),
        ("restrict_feature", "6.2 (ii)", False),
        ("suspend", "6.2 (i)", True),
        ("suspend", "4.5", True),
        ("suspend", "5.9", True),
        ("suspend", "5.13", True),
        ("suspend", "6.3 b", True),
        ("suspend", "6.5", True),
        ("suspend", "7.5", True),
        ("suspend", "4.1", False),
        ("suspend", "6.2 (iii)", False),
        ("terminate", "6.2 (i)", True),
        ("terminate", "4.1", True),
        ("terminate", "6.2 (v)", False),
        ("remove_listings", "6.2 (iii)", True),
        ("remove_listings", "6.1 (iv)", True),
        ("remove_listings", "6.2 (i)", False),
        ("cap_listings", "6.2 (iii)", True),
        ("cap_listings", "6.2 (i)", False),
        ("cap_listings", "6.1 (iv)", False),
    ],
)
def test_the_rule_says_whether_a_clause_grants_the_kind(kind, clause, allowed):
    fit = rules.clause_applicable(kind=kind, clause=clause, policy=POLICY)

    assert fit.allowed is allowed
    assert fit.rule == f"kind_clauses.{kind}"
    assert fit.allowed_clauses == tuple(POLICY.kind_clauses[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_may_cite_its_own_limb_of_clause_6_2(kind):
    own = POLICY.kinds[kind].clause

    assert rules.clause_applicable(kind=kind, clause=own, policy=POLICY).allowed is True


def test_clause_for_takes_the_first_preferred_clause_that_fits_else_the_kinds_own():
    chosen = rules.clause_for(kind="restrict", preferred=["6.2 (iv)", "6.5"], policy=POLICY)
    fallback = rules.clause_for(kind="restrict", preferred=["", "6.2 (iv)"], policy=POLICY)

    assert (chosen.allowed_clauses, chosen.rule) == (("6.5",), "kind_clauses.restrict")
    assert (fallback.allowed_clauses, fallback.rule) == (("6.2 (ii)",), "kinds.restrict.clause")


# --- The policy file ----------------------------------------------------------------------


def _data() -> dict:
    return copy.deepcopy(load_toml(POLICY_DIR / "actions.toml"))


def test_a_kind_without_an_entry_is_refused_at_load():
    data = _data()
    del data["kind_clauses"]["cap_listings"]

    with pytest.raises(
        PolicyError, match=re.escape("kind_clauses has no entry for ['cap_listings']")
    ):
        parse_actions_policy(data)


def test_an_unknown_clause_is_refused_at_load():
    data = _data()
    data["kind_clauses"]["warn"] = ["6.2 (v)", "9.9"]

    with pytest.raises(PolicyError, match=re.escape("kind_clauses.warn names ['9.9']")):
        parse_actions_policy(data)


def test_leaving_out_the_kinds_own_clause_is_refused_at_load():
    data = _data()
    data["kind_clauses"]["suspend"] = ["4.5"]

    with pytest.raises(PolicyError, match=re.escape("leaves out the kind's own clause '6.2 (i)'")):
        parse_actions_policy(data)


def test_a_threshold_prescribing_a_kind_its_clause_does_not_grant_is_refused():
    penalties = load_penalties_policy()
    first = penalties.points.thresholds[1]  # points-12: a restriction
    step = first.actions[0].model_copy(update={"clause": ""})
    bad = first.model_copy(update={"actions": [step]})
    points = penalties.points.model_copy(
        update={"thresholds": [penalties.points.thresholds[0], bad]}
    )

    with pytest.raises(
        PolicyError, match=re.escape("'points-12' prescribes restrict citing '6.2 (iv)'")
    ):
        check_prescribed_clauses(penalties.model_copy(update={"points": points}), POLICY)


def test_every_shipped_prescription_cites_a_clause_that_grants_it():
    penalties = load_penalties_policy()

    check_prescribed_clauses(penalties, POLICY)

    steps = [
        (t.id, a.kind, a.clause or t.clause)
        for t in [*penalties.points.thresholds, *penalties.strikes.thresholds]
        for a in t.actions
    ]
    assert ("points-24", "restrict", "6.2 (ii)") in steps
    assert ("points-24", "restrict_feature", "6.2 (iv)") in steps
    assert ("points-36", "remove_listings", "6.2 (iii)") in steps


# --- The service, the API and the console -------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "clause", "extra"),
    [("warn", "6.2 (i)", {}), ("cap_listings", "6.2 (i)", {"cap": 3})],
)
def test_the_api_refuses_a_clause_that_does_not_grant_the_kind(
    supplier, agent, kind, clause, extra
):
    body = {"member_id": supplier.member_id, "kind": kind, "clause": clause, "reason": "x"}

    response = client_for(agent).post("/staff/actions", {**body, **extra})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "clause_not_applicable"
    assert error["kind"] == kind
    assert error["allowed_clauses"] == POLICY.kind_clauses[kind]
    assert kind in error["message"]
    assert ", ".join(POLICY.kind_clauses[kind]) in error["message"]
    assert list(error["fields"]) == ["clause"]
    assert Action.objects.count() == 0


def test_the_service_refuses_with_the_domain_error(supplier, agent):
    with pytest.raises(services.ClauseNotApplicable) as error:
        services.action_take(
            member=supplier, kind="warn", clause="6.2 (i)", reason="Late.", by=agent
        )

    assert (error.value.code, error.value.status) == ("clause_not_applicable", 422)
    assert "6.2 (v)" in error.value.message


def test_the_console_shows_the_refusal_on_the_clause_field(supplier, agent):
    console = Client()
    console.force_login(agent, backend=BACKEND)
    payload = {
        "member_id": supplier.member_id,
        "kind": "warn",
        "clause": "6.2 (i)",
        "reason": "Late shipping.",
    }

    response = console.post("/console/trust/action/add/", payload)

    assert response.status_code == 200
    assert response.context["form"].errors["clause"] == ["For warn, one of: 6.2 (v)."]
    assert "For warn, one of: 6.2 (v)." in response.content.decode()
    assert not Action.objects.exists()

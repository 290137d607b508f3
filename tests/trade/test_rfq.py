"""RFQs and quotations (issue 11): the pure rules, the services and the selectors."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.trade.rfq_factories import (
    CATEGORY,
    buyer_create,
    cluster_make,
    quotation_payload,
    quote,
    restrict,
    rfq_payload,
    rfq_post,
    supplier_create,
)
from tradepost.audit.models import AuditEntry
from tradepost.catalog.policy import MembershipTier, MembershipTiers, load_membership_tiers
from tradepost.errors import AccountNotActive, FeatureRestricted, InvalidInput, NotFound
from tradepost.trade.models.orders import Order, OrderStatus
from tradepost.trade.models.rfq import Quotation, QuotationStatus, Rfq, RfqStatus
from tradepost.trade.rules import rfq as rules
from tradepost.trade.selectors import rfq as selectors
from tradepost.trade.services import rfq as services

# --- Rules (no database) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        ("open", "award", "awarded"),
        ("open", "expire", "closed"),
        ("awarded", "expire", None),
        ("closed", "award", None),
        ("awarded", "award", None),
    ],
)
def test_rfq_moves_only_along_its_table(state, event, after):
    assert rules.rfq_next(state, event) == after


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        ("submitted", "accept", "accepted"),
        ("submitted", "pass_over", "not_chosen"),
        ("submitted", "edit", "submitted"),
        ("accepted", "edit", None),
        ("not_chosen", "accept", None),
        ("accepted", "pass_over", None),
    ],
)
def test_quotation_moves_only_along_its_table(state, event, after):
    assert rules.quotation_next(state, event) == after


def test_quote_eligibility_refuses_own_and_related_buyers_by_rule_id():
    own = rules.quote_eligibility(supplier_pk=1, buyer_pk=1, supplier_cluster_pks=[1])
    related = rules.quote_eligibility(supplier_pk=1, buyer_pk=2, supplier_cluster_pks=[1, 2])
    other = rules.quote_eligibility(supplier_pk=1, buyer_pk=3, supplier_cluster_pks=[1, 2])

    assert (own.allowed, own.rule) == (False, "rfq.quote.own_rfq")
    assert (related.allowed, related.rule) == (False, "rfq.quote.related_account")
    assert other.allowed is True


@pytest.mark.parametrize(
    ("quota", "used", "allowed", "remaining"),
    [(3, 0, True, 3), (3, 2, True, 1), (3, 3, False, 0), (0, 0, False, 0), (None, 999, True, None)],
)
def test_quote_quota_counts_this_month(quota, used, allowed, remaining):
    decision = rules.quote_quota(quota=quota, used=used, now=datetime(2026, 5, 20, tzinfo=UTC))

    assert decision.allowed is allowed
    assert decision.remaining == remaining
    assert decision.resets_at == datetime(2026, 6, 1, tzinfo=UTC)
    assert decision.rule == "membership_tiers.quote_quota_month"


def test_quota_resets_on_new_year_after_december():
    now = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)

    assert rules.month_start(now) == datetime(2026, 12, 1, tzinfo=UTC)
    assert rules.next_month_start(now) == datetime(2027, 1, 1, tzinfo=UTC)


def test_price_tiers_are_stored_as_decimal_strings():
    errors: dict = {}
    tiers = rules.price_tiers_check(
        [{"min_quantity": 100, "unit_price": "5.50"}, {"min_quantity": 500, "unit_price": 5}],
        errors,
    )

    assert errors == {}
    assert tiers == [
        {"min_quantity": 100, "unit_price": "5.5"},
        {"min_quantity": 500, "unit_price": "5"},
    ]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (
            [{"min_quantity": 500, "unit_price": "5"}, {"min_quantity": 100, "unit_price": "4"}],
            "price_tiers",
        ),
        (
            [{"min_quantity": 100, "unit_price": "4"}, {"min_quantity": 500, "unit_price": "5"}],
            "price_tiers",
        ),
        ([{"min_quantity": 0, "unit_price": "4"}], "price_tiers[0].min_quantity"),
        ([{"min_quantity": 10, "unit_price": "4.00001"}], "price_tiers[0].unit_price"),
        ([{"min_quantity": 10, "unit_price": "-1"}], "price_tiers[0].unit_price"),
        ([{"min_quantity": q, "unit_price": "1"} for q in range(1, 12)], "price_tiers"),
        ("cheap", "price_tiers"),
    ],
)
def test_bad_price_tiers_name_the_field(raw, key):
    errors: dict = {}
    rules.price_tiers_check(raw, errors)

    assert list(errors) == [key]


def test_valid_until_may_be_today_not_yesterday():
    today = date(2026, 5, 20)

    assert rules.valid_until_ok(valid_until=today, today=today) is True
    assert rules.valid_until_ok(valid_until=date(2026, 5, 19), today=today) is False


# --- Policy -------------------------------------------------------------------------------


def test_every_bundled_tier_has_a_monthly_quote_quota():
    tiers = load_membership_tiers().tiers

    assert {k: t.quote_quota for k, t in tiers.items()} == {
        "free": 20,
        "silver": 200,
        "gold": None,
    }


@pytest.mark.parametrize("value", [-1, "lots"])
def test_a_tier_refuses_a_bad_quote_quota(value):
    with pytest.raises(ValueError, match="quote_quota_month"):
        MembershipTier.model_validate({"name": "X", "listing_cap": 1, "quote_quota_month": value})


def test_a_tier_without_a_quote_quota_is_refused():
    with pytest.raises(ValueError, match="quote_quota_month"):
        MembershipTier.model_validate({"name": "X", "listing_cap": 1})


# --- Posting an RFQ -----------------------------------------------------------------------


@pytest.fixture
def buyer(db):
    return buyer_create()


@pytest.fixture
def supplier(db):
    return supplier_create()


@pytest.fixture
def rfq(buyer):
    return rfq_post(buyer)


def test_a_buyer_posts_an_rfq_with_its_audit_row(buyer):
    rfq = rfq_post(buyer, currency="usd", destination_country="de", incoterm="fob")

    assert rfq.status == RfqStatus.OPEN
    assert (rfq.currency, rfq.destination_country, rfq.incoterm) == ("USD", "DE", "FOB")
    assert rfq.target_unit_price == Decimal("4.20")
    entry = AuditEntry.objects.get(action="rfq.posted")
    assert entry.target_id == str(rfq.pk)
    assert entry.member_id == buyer.member_id
    assert entry.after["category"] == CATEGORY


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "no-such-category"),
        ("category", ""),
        ("incoterm", "FOO"),
        ("currency", "ABC"),
        ("currency", "XAU"),
        ("destination_country", "XX"),
        ("destination_country", "DEU"),
        ("deadline", "tomorrow"),
        ("quantity", 0),
        ("target_unit_price", "-1"),
        ("target_unit_price", "1.23456"),
        ("target_unit_price", "abc"),
        ("title", "   "),
        ("unit", ""),
    ],
)
def test_a_bad_rfq_is_refused_on_its_field_and_nothing_is_written(buyer, field, value):
    with pytest.raises(InvalidInput) as caught:
        services.rfq_create(buyer=buyer, data=rfq_payload(**{field: value}))

    assert caught.value.code == "invalid_input"
    assert list(caught.value.fields) == [field]
    assert Rfq.objects.count() == 0
    assert AuditEntry.objects.filter(action="rfq.posted").count() == 0


def test_a_deadline_in_the_past_is_refused(buyer):
    with pytest.raises(InvalidInput) as caught:
        rfq_post(buyer, deadline=timezone.now() - timedelta(minutes=1))

    assert caught.value.fields == {"deadline": ["The deadline must be in the future."]}


def test_a_parent_category_of_the_taxonomy_is_accepted(buyer):
    rfq = rfq_post(buyer, category="industrial-machinery")

    assert rfq.category.slug == "industrial-machinery"


def test_a_member_without_the_buyer_role_cannot_post(supplier):
    with pytest.raises(services.NotABuyer) as caught:
        rfq_post(supplier)

    assert caught.value.code == "not_a_buyer"


def test_a_member_restricted_from_messaging_cannot_post_an_rfq(buyer):
    action = restrict(buyer)

    with pytest.raises(FeatureRestricted) as caught:
        rfq_post(buyer)

    assert caught.value.extra["feature"] == "messaging"
    assert caught.value.extra["action_id"] == action.pk
    assert caught.value.extra["clause"] == "6.2 (iv)"
    assert Rfq.objects.count() == 0


def test_a_suspended_member_cannot_post_an_rfq(buyer):
    restrict(buyer, kind="suspend")
    buyer.refresh_from_db()

    with pytest.raises(AccountNotActive) as caught:
        rfq_post(buyer)

    assert caught.value.code == "account_not_active"


# --- Quoting ------------------------------------------------------------------------------


def test_a_supplier_quotes_an_open_rfq_with_its_audit_row(rfq, supplier):
    quotation = quote(rfq, supplier)

    assert quotation.status == QuotationStatus.SUBMITTED
    assert quotation.unit_price == Decimal("4.05")
    assert quotation.price_tiers[1] == {"min_quantity": 5000, "unit_price": "3.8"}
    entry = AuditEntry.objects.get(action="quotation.submitted")
    assert entry.target_id == str(quotation.pk)
    assert entry.after["rfq"] == rfq.pk


def test_a_quotation_in_another_currency_is_refused_clearly(rfq, supplier):
    with pytest.raises(InvalidInput) as caught:
        quote(rfq, supplier, currency="EUR")

    assert caught.value.code == "currency_mismatch"
    assert caught.value.fields == {
        "currency": ["Quote in the RFQ's currency, USD (this quotation is in EUR)."]
    }


def test_a_quotation_valid_until_yesterday_is_refused(rfq, supplier):
    with pytest.raises(InvalidInput) as caught:
        quote(rfq, supplier, valid_until=timezone.now().date() - timedelta(days=1))

    assert list(caught.value.fields) == ["valid_until"]


def test_a_quotation_valid_until_today_is_taken(rfq, supplier):
    quotation = quote(rfq, supplier, valid_until=timezone.now().astimezone(UTC).date())

    assert quotation.pk is not None


def test_one_quotation_per_supplier_per_rfq(rfq, supplier):
    quote(rfq, supplier)

    with pytest.raises(services.QuotationExists) as caught:
        quote(rfq, supplier, unit_price="3.99")

    assert caught.value.code == "quotation_exists"
    assert Quotation.objects.filter(rfq=rfq).count() == 1


def test_a_supplier_cannot_quote_its_own_rfq(db):
    trader = supplier_create(roles=["buyer", "supplier"])
    rfq = rfq_post(trader)

    with pytest.raises(services.QuoteNotAllowed) as caught:
        quote(rfq, trader)

    assert caught.value.code == "quote_not_allowed"
    assert caught.value.extra == {"rule": "rfq.quote.own_rfq"}


def test_a_supplier_cannot_quote_a_buyer_of_its_related_cluster(rfq, buyer, supplier):
    cluster_make(supplier, buyer)

    with pytest.raises(services.QuoteNotAllowed) as caught:
        quote(rfq, supplier)

    assert caught.value.extra == {"rule": "rfq.quote.related_account"}
    assert Quotation.objects.count() == 0


def test_a_supplier_restricted_from_messaging_cannot_quote(rfq, supplier):
    restrict(supplier)

    with pytest.raises(FeatureRestricted):
        quote(rfq, supplier)

    assert Quotation.objects.count() == 0


def test_a_suspended_supplier_cannot_quote(rfq, supplier):
    restrict(supplier, kind="suspend")
    supplier.refresh_from_db()

    with pytest.raises(AccountNotActive):
        quote(rfq, supplier)


def test_a_buyer_only_member_cannot_quote(rfq):
    other_buyer = buyer_create()

    with pytest.raises(services.NotASupplier):
        quote(rfq, other_buyer)


@pytest.fixture
def quota_of_two(monkeypatch):
    tiers = MembershipTiers(
        default_tier="free",
        tiers={"free": MembershipTier(name="Free", listing_cap=5, quote_quota_month=2)},
    )
    monkeypatch.setattr(services, "load_membership_tiers", lambda: tiers)


def test_over_the_monthly_quote_quota_is_429_with_when_it_resets(buyer, supplier, quota_of_two):
    now = datetime(2026, 5, 20, 12, tzinfo=UTC)
    rfqs = [
        services.rfq_create(
            buyer=buyer, data=rfq_payload(deadline=now + timedelta(days=9)), now=now
        )
        for _ in range(3)
    ]
    payload = quotation_payload(valid_until=date(2026, 6, 30))
    for rfq in rfqs[:2]:
        services.quotation_submit(rfq=rfq, supplier=supplier, data=payload, now=now)

    with pytest.raises(services.QuoteQuotaExceeded) as caught:
        services.quotation_submit(rfq=rfqs[2], supplier=supplier, data=payload, now=now)

    error = caught.value
    assert (error.status, error.code) == (429, "quote_quota_exceeded")
    assert error.extra == {
        "quota": 2,
        "used": 2,
        "resets_at": "2026-06-01T00:00:00+00:00",
        "rule": "membership_tiers.quote_quota_month",
    }
    assert error.retry_after == int(timedelta(days=11, hours=12).total_seconds())
    assert Quotation.objects.count() == 2


def test_last_months_quotations_do_not_count(buyer, supplier, quota_of_two):
    may = datetime(2026, 5, 31, 23, tzinfo=UTC)
    june = datetime(2026, 6, 1, 1, tzinfo=UTC)
    payload = quotation_payload(valid_until=date(2026, 7, 30))
    for when in (may, may, june):
        rfq = services.rfq_create(
            buyer=buyer, data=rfq_payload(deadline=june + timedelta(days=9)), now=when
        )
        services.quotation_submit(rfq=rfq, supplier=supplier, data=payload, now=when)

    assert services.quote_quota_for(supplier, now=june).used == 1


def test_the_quota_follows_the_suppliers_membership_tier(supplier):
    supplier.supplier_profile.membership_tier = "gold"
    supplier.supplier_profile.save()

    decision = services.quote_quota_for(supplier, now=timezone.now())

    assert decision.quota is None


# --- Deadlines close lazily ---------------------------------------------------------------


def _pass_deadline(rfq):
    Rfq.objects.filter(pk=rfq.pk).update(deadline=timezone.now() - timedelta(seconds=1))


def test_an_rfq_past_its_deadline_closes_when_read_with_a_system_audit_row(rfq):
    _pass_deadline(rfq)

    assert services.rfqs_expire_due() == 1
    assert services.rfqs_expire_due() == 0

    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.CLOSED
    entry = AuditEntry.objects.get(action="rfq.closed")
    assert (entry.actor_label, entry.after) == ("system", {"status": "closed"})


def test_a_quotation_to_an_rfq_past_its_deadline_is_refused(rfq, supplier):
    _pass_deadline(rfq)

    with pytest.raises(services.RfqNotOpen) as caught:
        quote(rfq, supplier)

    assert caught.value.extra == {"rfq_status": "closed"}
    assert Rfq.objects.get(pk=rfq.pk).status == RfqStatus.CLOSED


# --- Editing once -------------------------------------------------------------------------


def test_a_quotation_is_editable_once(rfq, supplier):
    quotation = quote(rfq, supplier)

    edited = services.quotation_edit(
        quotation=quotation, supplier=supplier, data={"unit_price": "3.95", "lead_time_days": 25}
    )
    with pytest.raises(services.QuotationNotEditable) as caught:
        services.quotation_edit(quotation=edited, supplier=supplier, data={"unit_price": "3.90"})

    assert (edited.unit_price, edited.lead_time_days, edited.edit_count) == (
        Decimal("3.95"),
        25,
        1,
    )
    assert caught.value.code == "quotation_not_editable"
    entry = AuditEntry.objects.get(action="quotation.edited")
    assert (entry.before["unit_price"], entry.after["unit_price"]) == ("4.05", "3.95")
    assert Quotation.objects.get().unit_price == Decimal("3.95")


def test_an_edit_is_checked_like_a_new_quotation(rfq, supplier):
    quotation = quote(rfq, supplier)

    with pytest.raises(InvalidInput) as caught:
        services.quotation_edit(quotation=quotation, supplier=supplier, data={"currency": "EUR"})

    assert caught.value.code == "currency_mismatch"
    assert Quotation.objects.get().edit_count == 0


def test_only_its_supplier_edits_a_quotation(rfq, supplier):
    quotation = quote(rfq, supplier)
    other = supplier_create()

    with pytest.raises(services.PermissionDeniedError):
        services.quotation_edit(quotation=quotation, supplier=other, data={"unit_price": "1"})


# --- Accepting ----------------------------------------------------------------------------


@pytest.fixture
def wired(monkeypatch):
    """Records each order draft an acceptance makes, through the real orders seam."""
    made: list[int] = []
    real = services._order_draft_from_quotation

    def draft(quotation, **kwargs):
        made.append(quotation.pk)
        return real(quotation, **kwargs)

    monkeypatch.setattr(services, "_order_draft_from_quotation", draft)
    return made


@pytest.fixture
def two_quotes(rfq, supplier):
    second = supplier_create()
    return quote(rfq, supplier), quote(rfq, second, unit_price="3.99")


def test_accepting_awards_the_rfq_and_keeps_the_others_as_not_chosen(buyer, rfq, two_quotes, wired):
    first, second = two_quotes

    accepted, order_id = services.quotation_accept(quotation=first, actor=buyer)

    assert wired == [first.pk]
    assert (accepted.status, accepted.order_ref) == (QuotationStatus.ACCEPTED, str(order_id))
    second.refresh_from_db()
    rfq.refresh_from_db()
    assert second.status == QuotationStatus.NOT_CHOSEN
    assert rfq.status == RfqStatus.AWARDED
    actions = sorted(
        AuditEntry.objects.filter(
            action__in=["rfq.awarded", "quotation.accepted", "quotation.not_chosen"]
        ).values_list("action", "target_id")
    )
    assert actions == [
        ("quotation.accepted", str(first.pk)),
        ("quotation.not_chosen", str(second.pk)),
        ("rfq.awarded", str(rfq.pk)),
    ]


def test_two_accepts_on_one_rfq_cannot_both_win(buyer, rfq, two_quotes, wired):
    first, second = two_quotes
    stale_second = Quotation.objects.select_related("rfq").get(pk=second.pk)
    services.quotation_accept(quotation=first, actor=buyer)

    with pytest.raises(services.RfqNotOpen):
        services.quotation_accept(quotation=stale_second, actor=buyer)

    assert wired == [first.pk]
    assert Quotation.objects.get(pk=second.pk).status == QuotationStatus.NOT_CHOSEN


def test_the_conditional_update_refuses_an_award_whose_rfq_row_moved(buyer, rfq, two_quotes, wired):
    """The race the lazy read cannot see: the RFQ row changes between the check and the write."""
    first, _ = two_quotes
    Rfq.objects.filter(pk=rfq.pk).update(status=RfqStatus.AWARDED)
    first.rfq.status = RfqStatus.OPEN

    with pytest.raises(services.RfqNotOpen):
        services.quotation_accept(quotation=first, actor=buyer)

    assert wired == []


def test_an_accepted_quotation_is_no_longer_editable(buyer, rfq, supplier, wired):
    quotation = quote(rfq, supplier)
    services.quotation_accept(quotation=quotation, actor=buyer)

    with pytest.raises(services.RfqNotOpen):
        services.quotation_edit(quotation=quotation, supplier=supplier, data={"unit_price": "1"})


def test_a_quotation_past_its_validity_cannot_be_accepted(buyer, rfq, supplier, wired):
    quotation = quote(rfq, supplier)
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=date(2020, 1, 1))

    with pytest.raises(services.QuotationNotAcceptable):
        services.quotation_accept(quotation=quotation, actor=buyer)

    assert Rfq.objects.get(pk=rfq.pk).status == RfqStatus.OPEN


def test_only_the_rfqs_buyer_accepts(rfq, supplier, wired):
    quotation = quote(rfq, supplier)

    with pytest.raises(services.PermissionDeniedError):
        services.quotation_accept(quotation=quotation, actor=buyer_create())


def test_the_accepted_quotation_becomes_an_order_draft_at_its_tier_price(buyer, rfq, supplier):
    quotation = quote(
        rfq,
        supplier,
        unit_price="5.00",
        price_tiers=[
            {"min_quantity": 1, "unit_price": "5.00"},
            {"min_quantity": rfq.quantity, "unit_price": "4.25"},
            {"min_quantity": rfq.quantity + 1, "unit_price": "4.00"},
        ],
    )

    _, order_id = services.quotation_accept(quotation=quotation, actor=buyer)

    order = Order.objects.get(pk=order_id)
    line = order.lines.get()
    assert (order.status, order.buyer_id, order.supplier_id) == (
        OrderStatus.DRAFT,
        buyer.pk,
        supplier.pk,
    )
    assert (order.quotation_id, order.currency) == (quotation.pk, rfq.currency)
    assert (line.quantity, line.unit, line.unit_price) == (rfq.quantity, rfq.unit, Decimal("4.25"))
    assert order.total == Decimal("4.25") * rfq.quantity
    assert order.supplier_terms == quotation.terms


def test_a_refused_order_draft_undoes_the_acceptance(buyer, rfq, supplier, monkeypatch):
    quotation = quote(rfq, supplier)

    def refuse(*args, **kwargs):
        raise InvalidInput("The order draft was refused.", code="order_no_lines")

    monkeypatch.setattr(services, "order_create", refuse)
    with pytest.raises(InvalidInput):
        services.quotation_accept(quotation=quotation, actor=buyer)

    assert Rfq.objects.get(pk=rfq.pk).status == RfqStatus.OPEN
    assert Quotation.objects.get(pk=quotation.pk).status == QuotationStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="rfq.awarded").count() == 0
    assert not Order.objects.exists()


# --- The board and access -----------------------------------------------------------------


def test_the_board_shows_open_rfqs_in_the_suppliers_categories(buyer, supplier):
    mine = rfq_post(buyer)
    broader = rfq_post(buyer, category="industrial-machinery", title="Valves and pumps")
    rfq_post(buyer, category="coffee-tea", title="Green coffee")
    past = rfq_post(buyer, title="Old")
    _pass_deadline(past)

    board = list(selectors.rfq_board(supplier=supplier))

    assert sorted(r.pk for r in board) == sorted([mine.pk, broader.pk])


def test_the_board_hides_rfqs_of_related_accounts(buyer, supplier):
    rfq_post(buyer)
    cluster_make(supplier, buyer)

    assert list(selectors.rfq_board(supplier=supplier)) == []


def test_the_board_filters_by_category_and_destination(buyer, supplier):
    de = rfq_post(buyer)
    fr = rfq_post(buyer, destination_country="FR")
    broader = rfq_post(buyer, category="industrial-machinery")

    def board(**kw):
        return [r.pk for r in selectors.rfq_board(supplier=supplier, **kw)]

    assert sorted(board(destination="fr")) == [fr.pk]
    assert sorted(board(category=CATEGORY)) == sorted([de.pk, fr.pk])
    assert sorted(board(category="industrial-machinery")) == sorted([de.pk, fr.pk, broader.pk])


def test_an_rfq_outside_a_suppliers_categories_is_not_found(rfq):
    stranger = supplier_create(category="coffee-tea")

    with pytest.raises(NotFound):
        selectors.rfq_for_member(member=stranger, rfq_id=rfq.pk)


def test_a_supplier_sees_only_its_own_quotation_the_buyer_all(buyer, rfq, two_quotes, supplier):
    first, second = two_quotes

    assert list(selectors.quotations_visible(rfq=rfq, member=supplier)) == [first]
    assert list(selectors.quotations_visible(rfq=rfq, member=buyer)) == [second, first]


def test_a_supplier_keeps_seeing_an_rfq_it_quoted_after_it_closed(rfq, supplier):
    quote(rfq, supplier)
    _pass_deadline(rfq)
    services.rfqs_expire_due()

    assert selectors.rfq_for_member(member=supplier, rfq_id=rfq.pk).status == RfqStatus.CLOSED

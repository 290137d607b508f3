"""One bounded paging schema for every paginated API list (tradepost.api_paging)."""

from ninja.conf import settings as ninja_settings

from tradepost.api_paging import MAX_LIMIT, MAX_OFFSET, LimitOffsetPaging
from tradepost.config.api import api


def _paged_operations() -> dict[str, dict[str, dict]]:
    schema = api.get_openapi_schema()
    paged = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            if "limit" in params or "offset" in params:
                paged[f"{method.upper()} {path}"] = params
    return paged


def test_every_paged_list_publishes_the_shared_bounds():
    paged = _paged_operations()

    assert sorted(paged) == sorted(
        [
            "GET /api/v1/notices",
            "GET /api/v1/staff/audit",
            "GET /api/v1/staff/actions",
            "GET /api/v1/staff/actions/statements",
            "GET /api/v1/staff/appeals",
            "GET /api/v1/staff/complaints",
            "GET /api/v1/staff/cases",
            "GET /api/v1/staff/members/{member_id}/penalties",
            "GET /api/v1/staff/members/{member_id}/ip-strikes",
            "GET /api/v1/staff/ip/rights",
            "GET /api/v1/staff/ip/claims",
            "GET /api/v1/members/me/actions",
            "GET /api/v1/complaints",
            "GET /api/v1/ip/rights",
            "GET /api/v1/ip/claims",
            "GET /api/v1/staff/information-requests",
            "GET /api/v1/staff/disclosure-requests",
            "GET /api/v1/conversations",
            "GET /api/v1/rfqs",
            "GET /api/v1/rfqs/board",
            "GET /api/v1/orders",
            "GET /api/v1/staff/screening/hits",
            "GET /api/v1/subscriptions",
            "GET /api/v1/invoices",
            "GET /api/v1/promotions/top-ranking",
            "GET /api/v1/promotions/sponsored",
        ]
    )
    for params in paged.values():
        assert (params["limit"]["schema"]["minimum"], params["limit"]["schema"]["maximum"]) == (
            1,
            MAX_LIMIT,
        )
        assert (params["offset"]["schema"]["minimum"], params["offset"]["schema"]["maximum"]) == (
            0,
            MAX_OFFSET,
        )


def test_paginate_without_a_class_uses_the_shared_paging():
    assert ninja_settings.PAGINATION_CLASS == "tradepost.api_paging.LimitOffsetPaging"
    assert LimitOffsetPaging().max_limit == MAX_LIMIT

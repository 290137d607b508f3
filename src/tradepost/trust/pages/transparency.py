"""`/transparency/`: the public transparency report (clause 6.4; what the EU DSA asks platforms
to publish). Aggregate figures only: no requester, reference or member appears."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tradepost.errors import InvalidInput
from tradepost.trust.models.requests import DisclosureDecision, LegalBasis, RequesterType
from tradepost.trust.selectors import transparency

OUTCOME_LABELS = {**dict(DisclosureDecision.choices), "pending": "Pending"}


def _labelled(counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, int]]:
    return [(labels.get(key, key), n) for key, n in counts.items()]


@require_safe
def transparency_page(request: HttpRequest) -> HttpResponse:
    try:
        period = transparency.report_period(period=request.GET.get("period", "")[:7])
    except InvalidInput:
        period = transparency.report_period()
    report = transparency.transparency_report(period)
    figures = report["disclosure_requests"]
    context = {
        "report": report,
        "figures": figures,
        "by_country": list(figures["by_country"].items()),
        "by_legal_basis": _labelled(figures["by_legal_basis"], dict(LegalBasis.choices)),
        "by_requester_type": _labelled(figures["by_requester_type"], dict(RequesterType.choices)),
        "by_outcome": _labelled(figures["by_outcome"], OUTCOME_LABELS),
        "information": report["information_requests"],
        "actions": report["actions"],
        "years": [str(y) for y in range(period.start.year - 3, period.start.year + 2)],
    }
    response = render(request, "trust/transparency.html", context)
    return response

"""The public status page (clause 9.1): windows and incidents in progress, scheduled, recent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tradepost.billing.models import WindowCause
from tradepost.billing.selectors.operations import status_overview


def status_page(request: HttpRequest) -> HttpResponse:
    overview = status_overview()
    labels = dict(WindowCause.choices)
    for key in ("current", "scheduled", "recent"):
        for w in overview[key]:
            w["cause_label"] = labels.get(w["cause"], w["cause"])
    sections = [
        {
            "key": "current",
            "title": _("Now"),
            "windows": overview["current"],
            "empty": _("Nothing is in progress."),
        },
        {
            "key": "scheduled",
            "title": _("Scheduled maintenance"),
            "windows": overview["scheduled"],
            "empty": _("No maintenance is scheduled."),
        },
        {
            "key": "recent",
            "title": _("Recently ended"),
            "windows": overview["recent"],
            "empty": _("Nothing in the last days."),
        },
    ]
    return render(
        request, "billing/operations/status.html", {"overview": overview, "sections": sections}
    )

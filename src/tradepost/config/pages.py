"""The site's information pages: about, privacy, help (linked from every page's footer)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """What Tradepost is, in the Terms' words: businesses only (clause 5.11), one account per
    business (4.1, 4.2), the contracting entity, law and courts (2.1, 11.1, 12.7)."""
    return render(request, "pages/about.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """What this software stores about members and visitors, and why."""
    return render(request, "pages/privacy.html")


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    """How buyers search and make contact, and how suppliers list and what moderation does."""
    context = {
        "search_url": reverse("catalog:search"),
        "register_url": reverse("members:register"),
        "reset_url": reverse("members:password_reset"),
        "notices_url": reverse("notices:public_board"),
    }
    return render(request, "pages/help.html", context)

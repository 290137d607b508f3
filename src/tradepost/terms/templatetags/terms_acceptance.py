"""The banner on every page for a member who must accept a new version of the Terms (1.3), and
the account page's history of what the member accepted (1.1, 1.3, 1.5, 4.4)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context

from tradepost.terms import selectors

register = template.Library()


@register.inclusion_tag("terms/_acceptance_banner.html", takes_context=True)
def terms_acceptance_banner(context: Context) -> dict[str, Any]:
    """Shown to a logged-in member whose site asks for explicit acceptance and who has not
    accepted the version in force; not on the accept page itself. No query when accepted."""
    request = context.get("request")
    user = getattr(request, "user", None)
    pending = None
    if user is not None and user.is_authenticated:
        found = selectors.member_of_user(user_pk=user.pk)
        view = getattr(getattr(request, "resolver_match", None), "view_name", "")
        if found is not None and view != "terms:accept":
            member_pk, site = found
            pending = selectors.terms_acceptance_pending(member_pk=member_pk, site=site)
    return {"pending": pending, "request": request}


@register.inclusion_tag("terms/_acceptance_history.html")
def terms_acceptance_history(member: Any) -> dict:
    """Every version of the Terms and of any Additional Agreement the member accepted."""
    return {"acceptances": selectors.acceptance_history(member_pk=member.pk)}

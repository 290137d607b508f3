"""The account page's profile form (`/account/profile/`, clause 5.2).

In the catalog layer because a profile edit keeps the supplier's listings in step
(`catalog.services.member_profile_update`); the form, page and URL name
(`members:profile_update`) are the members app's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tradepost.catalog.services import member_profile_update
from tradepost.errors import DomainError
from tradepost.http import client_ip
from tradepost.members.forms import ProfileForm
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.members.views import account_page, account_url, member_required


@member_required
@require_POST
def profile_update(request: HttpRequest, member: Member) -> HttpResponse:
    """Clause 5.2: keep the company information current; each edit becomes a revision."""
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            member_profile_update(
                member=member,
                by=request_user(request),
                changes=form.changes(),
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Your profile is saved (clause 5.2).")
            return redirect(account_url("profile"))
    return account_page(request, member, profile_form=form)

"""The registration page (`/register/`, clauses 1.1, 1.2, 2.1, 4.1, 4.2, 5.1, 5.11).

In the terms layer because registering records the acceptance of the Terms in force; the
form, template and session start are the members app's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tradepost import ratelimit
from tradepost.errors import DomainError
from tradepost.http import client_ip, request_access_country, request_site_family
from tradepost.members.forms import RegistrationForm
from tradepost.members.rules import REGISTRATIONS_FROM_ADDRESS
from tradepost.members.views import start_session
from tradepost.terms.registration import RegistrationInput, member_register


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit.page_rate_limited("registration", methods=("POST",), message=REGISTRATIONS_FROM_ADDRESS)
def register(request: HttpRequest) -> HttpResponse:
    """Clauses 1.1, 1.2, 2.1, 4.1, 4.2, 5.1, 5.11: register a business, then log it in."""
    family = request_site_family(request)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, site=family.key if family else None
    )
    if request.method == "POST" and form.is_valid():
        fields = form.registration_fields()
        fields["access_country"] = fields["access_country"] or request_access_country(request)
        try:
            member = member_register(data=RegistrationInput(**fields), ip=client_ip(request))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            start_session(request, member.user)
            messages.success(
                request,
                f"Welcome to Tradepost. Your member ID is {member.member_id}: log in with it "
                "or with your email (clause 4.2).",
            )
            return redirect("members:account")
    return render(request, "members/register.html", {"form": form, "site_family": family})

"""`POST /api/v1/members`: register a business (clauses 1.1, 1.2, 2.1, 4.1, 4.2, 5.1, 5.11).

In the terms layer because registering records the acceptance of the Terms in force
(`terms.registration.member_register`); the schemas are the members API's.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from tradepost import ratelimit
from tradepost.http import client_ip, request_access_country
from tradepost.members import selectors
from tradepost.members.api import MemberOut, RegisterIn
from tradepost.members.rules import REGISTRATIONS_FROM_ADDRESS
from tradepost.terms.registration import RegistrationInput, member_register

router = Router()


@router.post("/members", response={201: MemberOut}, auth=None)
def register(request: HttpRequest, payload: RegisterIn) -> Status:
    """Register a business as a member (clauses 1.2, 2.1, 4.1, 4.2, 5.1, 5.11); throttled
    per client address (429 with Retry-After)."""
    ratelimit.check_request(request, "registration", message=REGISTRATIONS_FROM_ADDRESS)
    member = member_register(
        data=RegistrationInput(
            **{
                **payload.dict(),
                "access_country": payload.access_country or request_access_country(request),
            }
        ),
        ip=client_ip(request),
    )
    return Status(201, selectors.member_profile(member))

"""Members API: login, the member's own account, tokens, referees.

Two operations use the schemas here but live a layer up, where their use case reaches:
`POST /members` (registration records the Terms acceptance) in
`tradepost.terms.registration_api`, and `GET`/`PATCH /members/me` (a profile edit keeps the
supplier's listings in step) in `tradepost.catalog.member_api`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from tradepost.api_limits import NOT_BLANK, limits, string_items
from tradepost.errors import NotFound
from tradepost.members import selectors, services
from tradepost.members.identity import EMAIL_MAX_LENGTH
from tradepost.members.middleware import mark_session_start
from tradepost.members.models import ApiToken, BusinessReferee, BusinessType, Member
from tradepost.members.requests import AuthenticatedRequest
from tradepost.members.services.common import REGISTRATION_NUMBER_MAX_LENGTH, ROLES
from tradepost.policy import COUNTRY_CODES, SITES

router = Router()
auth_router = Router()


# --- Schemas ------------------------------------------------------------------------------


class RegisterIn(Schema):
    site: str = Field(
        ...,
        max_length=32,
        description="`alibaba` or `aliexpress`",
        json_schema_extra=limits(enum=list(SITES)),
    )
    company_name: str = Field(
        ..., max_length=1000, json_schema_extra=limits(max_length=200, pattern=NOT_BLANK)
    )
    business_type: str = Field(
        ..., max_length=64, json_schema_extra=limits(enum=BusinessType.values)
    )
    country: str = Field(
        ...,
        max_length=8,
        description="ISO 3166-1 alpha-2",
        json_schema_extra=limits(enum=sorted(COUNTRY_CODES)),
    )
    access_country: str | None = Field(
        None, max_length=8, json_schema_extra=limits(enum=[None, *sorted(COUNTRY_CODES)])
    )
    address: str = Field(
        ..., max_length=5000, json_schema_extra=limits(max_length=1000, pattern=NOT_BLANK)
    )
    contact_name: str = Field(
        ..., max_length=1000, json_schema_extra=limits(max_length=200, pattern=NOT_BLANK)
    )
    email: str = Field(
        ..., max_length=320, json_schema_extra=limits(max_length=EMAIL_MAX_LENGTH, format="email")
    )
    phone: str = Field(..., max_length=64, json_schema_extra=limits(pattern=r"\d"))
    registration_number: str | None = Field(
        None, max_length=200, json_schema_extra=limits(max_length=REGISTRATION_NUMBER_MAX_LENGTH)
    )
    roles: list[str] | None = Field(
        None, max_length=4, json_schema_extra=limits(min_items=1, items=string_items(enum=ROLES))
    )
    password: str = Field(
        ...,
        max_length=4096,
        description="At least 12 characters; common and all-numeric passwords are refused.",
        json_schema_extra=limits(min_length=12, max_length=settings.PASSWORD_MAX_LENGTH),
    )
    attest_legal_age: StrictBool = Field(..., json_schema_extra=limits(enum=[True]))
    attest_business_use: StrictBool = Field(..., json_schema_extra=limits(enum=[True]))
    accept_terms: StrictBool = Field(..., json_schema_extra=limits(enum=[True]))


class ContractingEntityOut(Schema):
    name: str
    registration_number: str
    governing_law: str
    courts: str
    notice_address: str
    clause: str


class MemberOut(Schema):
    member_id: str
    status: str
    site: str
    company_name: str
    business_type: str
    country: str
    access_country: str
    address: str
    contact_name: str
    email: str
    phone: str
    registration_number: str
    roles: list[str]
    created_at: datetime
    compliance_review: bool = Field(
        False,
        description="Restricted pending compliance review (clause 5.13); lifted once reviewed.",
    )
    contracting_entity: ContractingEntityOut


class MemberPatch(Schema):
    company_name: str | None = Field(
        None, max_length=1000, json_schema_extra=limits(max_length=200)
    )
    business_type: str | None = Field(
        None, max_length=64, json_schema_extra=limits(enum=[None, *BusinessType.values])
    )
    country: str | None = Field(
        None, max_length=8, json_schema_extra=limits(enum=[None, *sorted(COUNTRY_CODES)])
    )
    access_country: str | None = Field(
        None, max_length=8, json_schema_extra=limits(enum=[None, *sorted(COUNTRY_CODES)])
    )
    address: str | None = Field(None, max_length=5000, json_schema_extra=limits(max_length=1000))
    contact_name: str | None = Field(
        None, max_length=1000, json_schema_extra=limits(max_length=200)
    )
    email: str | None = Field(
        None, max_length=320, json_schema_extra=limits(max_length=EMAIL_MAX_LENGTH)
    )
    phone: str | None = Field(None, max_length=64)
    registration_number: str | None = Field(
        None, max_length=200, json_schema_extra=limits(max_length=REGISTRATION_NUMBER_MAX_LENGTH)
    )
    roles: list[str] | None = Field(
        None, max_length=4, json_schema_extra=limits(min_items=1, items=string_items(enum=ROLES))
    )


class LoginIn(Schema):
    login: str = Field(..., max_length=320, description="Member ID or email")
    password: str = Field(..., max_length=4096)


class LoginOut(Schema):
    token: str
    member_id: str | None
    expires_at: datetime | None


class TokenIn(Schema):
    name: str = Field(..., max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Shown once; store it safely.")


class RefereeIn(Schema):
    name: str = Field(
        ..., max_length=1000, json_schema_extra=limits(max_length=200, pattern=NOT_BLANK)
    )
    company: str = Field("", max_length=1000, json_schema_extra=limits(max_length=200))
    email: str = Field("", max_length=320, json_schema_extra=limits(max_length=EMAIL_MAX_LENGTH))
    phone: str = Field("", max_length=64)
    relationship: str = Field("", max_length=1000, json_schema_extra=limits(max_length=200))
    consent_given: StrictBool


class RefereeOut(Schema):
    id: int
    name: str
    company: str
    email: str
    phone: str
    relationship: str
    consent_given: bool
    consent_recorded_at: datetime | None


class RevisionOut(Schema):
    changed_at: datetime
    changed_by: str
    changes: dict


class OkOut(Schema):
    ok: bool


# --- Helpers ------------------------------------------------------------------------------


def request_member(request: HttpRequest) -> Member:
    """The member the request is authenticated as; 404 for a staff account without one."""
    member = selectors.member_for_user(request.user)
    if member is None:
        raise NotFound("This account is not a member account.")
    return member


# --- Auth ---------------------------------------------------------------------------------


@auth_router.post("/login", response=LoginOut, auth=None)
def login(request: HttpRequest, payload: LoginIn) -> dict[str, Any]:
    """Log in with member ID or email. Answers a bearer token and sets the session cookie."""
    user = services.member_authenticate(
        request=request, login=payload.login, password=payload.password
    )
    django_login(request, user, backend="tradepost.members.backends.MemberLoginBackend")
    mark_session_start(request)
    token, raw = services.api_token_create(user=user, name="Login")
    member = getattr(user, "member", None)
    return {
        "token": raw,
        "member_id": member.member_id if member else None,
        "expires_at": token.expires_at,
    }


@auth_router.post("/logout", response=OkOut)
def logout(request: AuthenticatedRequest) -> dict[str, bool]:
    """End this session, and revoke the bearer token used for this call (if any)."""
    api_token = getattr(request, "api_token", None)
    if api_token is not None:
        services.api_token_revoke(user=request.user, token_id=api_token.pk)
    django_logout(request)
    return {"ok": True}


# --- Members ------------------------------------------------------------------------------


@router.get("/members/me/revisions", response=list[RevisionOut])
def my_revisions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"changed_at": r.changed_at, "changed_by": r.changed_by.username, "changes": r.changes}
        for r in selectors.profile_revisions(request_member(request))[:100]
    ]


@router.get("/members/me/tokens", response=list[TokenOut])
def my_tokens(request: AuthenticatedRequest) -> list[ApiToken]:
    return list(selectors.api_tokens_for_user(request.user)[:200])


@router.post("/members/me/tokens", response={201: TokenCreatedOut})
def create_token(request: AuthenticatedRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """Create a personal API token. The secret is in this answer only."""
    token, raw = services.api_token_create(user=request.user, name=payload.name)
    data = TokenOut.from_orm(token).dict()
    return Status(201, {**data, "token": raw})


@router.delete("/members/me/tokens/{token_id}", response=TokenOut)
def revoke_token(request: AuthenticatedRequest, token_id: int) -> ApiToken:
    return services.api_token_revoke(user=request.user, token_id=token_id)


@router.get("/members/me/referees", response=list[RefereeOut])
def my_referees(request: HttpRequest) -> list[BusinessReferee]:
    return list(request_member(request).referees.all())


@router.post("/members/me/referees", response={201: RefereeOut})
def add_referee(request: HttpRequest, payload: RefereeIn) -> Status[BusinessReferee]:
    """Clause 5.8: list a business referee; you warrant their consent."""
    return Status(201, services.referee_add(member=request_member(request), **payload.dict()))


@router.delete("/members/me/referees/{referee_id}", response=OkOut)
def remove_referee(request: HttpRequest, referee_id: int) -> dict[str, bool]:
    services.referee_remove(member=request_member(request), referee_id=referee_id)
    return {"ok": True}

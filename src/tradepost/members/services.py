"""Use cases that change member state. One function per use case, each in a transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from tradepost.errors import Conflict, DomainError, InvalidInput, NotFound, Throttled
from tradepost.members import identity
from tradepost.members.models import (
    ApiToken,
    BusinessReferee,
    BusinessType,
    DuplicateSignal,
    IdentifierKind,
    Member,
    MemberIdentifier,
    MemberStatus,
    MemberStatusChange,
    ProfileRevision,
    SecondAccountApproval,
    SignalOutcome,
    Site,
    User,
)
from tradepost.members.rules import contracting_entity_for
from tradepost.terms.models import AcceptanceMethod
from tradepost.terms.selectors import terms_version_in_force
from tradepost.terms.services import terms_accept
from tradepost.text import clean_text, text_problem

ROLES = ("buyer", "supplier")
# The approval keeps the number's identity ("DE:" + letters and digits) in 64 characters.
REGISTRATION_NUMBER_MAX_LENGTH = 60
SECOND_ACCOUNT_APPROVAL_DAYS = 14


class DuplicateAccount(DomainError):
    """Clause 4.1: one user, one member account, unless staff approves another."""

    code = "duplicate_account"
    status = 409


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401


class AccountNotActive(DomainError):
    code = "account_not_active"
    status = 403


# --- Registration -------------------------------------------------------------------------


@dataclass
class RegistrationInput:
    site: str
    company_name: str
    business_type: str
    country: str
    address: str
    contact_name: str
    email: str
    phone: str
    password: str
    attest_legal_age: bool
    attest_business_use: bool
    accept_terms: bool
    access_country: str | None = None
    registration_number: str | None = None
    roles: list[str] | None = None


@dataclass
class _Cleaned:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def take(self, name: str, fn, *args, **kwargs) -> Any:
        try:
            value = fn(*args, **kwargs)
        except ValueError as exc:
            self.errors.setdefault(name, []).append(str(exc))
            return None
        self.values[name] = value
        return value


def _required_text(value: str | None, label: str, max_length: int, multiline=False) -> str:
    text = clean_text(value or "", multiline=multiline)
    if not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long (at most {max_length} characters).")
    return text


def _choice(value: str, choices, label: str) -> str:
    if value not in choices.values:
        raise ValueError(f"{label} must be one of: {', '.join(choices.values)}.")
    return value


def _roles(value: list[str] | None) -> list[str]:
    roles = list(ROLES) if value is None else list(dict.fromkeys(value))
    if not roles or any(r not in ROLES for r in roles):
        raise ValueError("Roles must be a non-empty list of 'buyer' and/or 'supplier'.")
    return roles


def _optional_text(value: str | None, label: str, max_length: int) -> str:
    text = clean_text(value or "")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long (at most {max_length} characters).")
    return text


def _clean_registration(data: RegistrationInput) -> _Cleaned:
    c = _Cleaned()
    c.take("site", _choice, data.site, Site, "Site")
    c.take("company_name", _required_text, data.company_name, "Company legal name", 200)
    c.take("business_type", _choice, data.business_type, BusinessType, "Business type")
    country = c.take("country", identity.normalise_country, data.country)
    if data.access_country:
        c.take("access_country", identity.normalise_country, data.access_country)
    elif country:
        c.values["access_country"] = country
    c.take("address", _required_text, data.address, "Address", 1000, multiline=True)
    c.take("contact_name", _required_text, data.contact_name, "Contact person", 200)
    c.take("email", identity.clean_email, data.email)
    if country:
        c.take("phone", identity.clean_phone, data.phone, country=country)
    c.take(
        "registration_number",
        _optional_text,
        data.registration_number,
        "Registration number",
        REGISTRATION_NUMBER_MAX_LENGTH,
    )
    c.take("roles", _roles, data.roles)
    if not data.attest_legal_age:
        c.errors["attest_legal_age"] = [
            "You must confirm you are of legal age to form a binding contract (clause 1.2)."
        ]
    if not data.attest_business_use:
        c.errors["attest_business_use"] = [
            "Tradepost is for businesses only: confirm business use (clauses 5.1 b, 5.11)."
        ]
    if not data.accept_terms:
        c.errors["accept_terms"] = ["You must accept the Terms of Use to register (clause 1.1)."]
    password_errors = _password_problems(
        data.password or "",
        User(username=c.values.get("company_name", ""), email=c.values.get("email", "")),
    )
    if password_errors:
        c.errors["password"] = password_errors
    return c


def _password_problems(password: str, user: User) -> list[str]:
    """Django's validators, plus text a member could never type again at a login form."""
    if text_problem(password):
        return ["The password may not contain control characters or invalid Unicode."]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _required_reason(reason: str | None, *, missing: str = "A reason is required.") -> str:
    try:
        text = clean_text(reason or "", multiline=True)
    except ValueError as exc:
        raise InvalidInput(f"The reason {exc}.", fields={"reason": [str(exc)]}) from None
    if not text:
        raise InvalidInput(missing, fields={"reason": ["Required."]})
    return text


def _identity_claims(values: dict[str, Any]) -> list[tuple[str, str]]:
    claims = [
        (IdentifierKind.EMAIL, identity.email_identity(values["email"])),
        (IdentifierKind.PHONE, values["phone"]),
    ]
    reg = identity.registration_number_identity(
        values["registration_number"], country=values["country"]
    )
    if reg:
        claims.append((IdentifierKind.REGISTRATION_NUMBER, reg))
    return claims


def _new_member_id(country: str) -> str:
    """Clause 4.2: a unique, stable member ID, country prefix plus ten digits."""
    for _ in range(20):
        candidate = f"{country.lower()}{secrets.randbelow(10**10):010d}"
        if not User.objects.filter(username=candidate).exists():
            return candidate
    raise RuntimeError("could not allocate a member ID")


def _usable_approval(matches: list[MemberIdentifier]) -> SecondAccountApproval | None:
    """A live approval naming every identifier the registration shares with a member.

    An approval granted for one shared email does not cover another member's phone number.
    """
    approvals = SecondAccountApproval.objects.select_for_update().filter(
        used_by__isnull=True, expires_at__gt=timezone.now()
    )
    for match in matches:
        approvals = approvals.filter(**{match.kind: match.value})
    return approvals.order_by("created_at", "pk").first()


def _record_refusal(matches: list[MemberIdentifier], values: dict, ip: str | None) -> None:
    attempt = {k: values.get(k) for k in ("site", "company_name", "country", "email", "phone")}
    attempt["registration_number"] = values.get("registration_number", "")
    DuplicateSignal.objects.bulk_create(
        DuplicateSignal(
            kind=m.kind,
            value=m.value,
            existing_member_id=m.member_id,
            outcome=SignalOutcome.REFUSED,
            attempt=attempt,
            ip=ip,
        )
        for m in matches
    )


def _duplicate_error(matches: list[MemberIdentifier]) -> DuplicateAccount:
    labels = {k: str(IdentifierKind(k).label).lower() for k in IdentifierKind.values}
    fields: dict[str, list[str]] = {}
    for kind in sorted({m.kind for m in matches}):
        fields[kind] = [f"This {labels[kind]} already belongs to a member account."]
    return DuplicateAccount(
        "A member account already exists for this business. One user may hold one account "
        "(clause 4.1); contact support if you need staff approval for a second account.",
        fields=fields,
    )


def member_register(*, data: RegistrationInput, ip: str | None) -> Member:
    """Clauses 1.2, 4.1, 4.2, 5.1, 5.11, 2.1: register a business as a member.

    Refuses a registration whose normalised email, phone or registration number is already
    held (unless staff approved a second account); every match is recorded as a signal.
    The refusal is recorded even though the registration itself rolls back.
    """
    cleaned = _clean_registration(data)
    if cleaned.errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=cleaned.errors)
    values = cleaned.values
    claims = _identity_claims(values)
    try:
        return _member_create(values=values, claims=claims, password=data.password, ip=ip)
    except DuplicateAccount as exc:
        matches = exc.extra.pop("matches")
        with transaction.atomic():
            _record_refusal(matches, values, ip)
        raise


@transaction.atomic
def _member_create(
    *, values: dict, claims: list[tuple[str, str]], password: str, ip: str | None
) -> Member:
    query = Q()
    for kind, value in claims:
        query |= Q(kind=kind, value=value)
    matches = list(MemberIdentifier.objects.filter(query).select_related("member"))
    approval = _usable_approval(matches) if matches else None
    if matches and approval is None:
        error = _duplicate_error(matches)
        error.extra["matches"] = matches
        raise error
    version = terms_version_in_force(site=values["site"])
    decision = contracting_entity_for(
        site=values["site"], country=values["country"], access_country=values["access_country"]
    )
    member_id = _new_member_id(values["country"])
    user = User.objects.create_user(member_id, password, email=values["email"])
    member = Member.objects.create(
        user=user,
        member_id=member_id,
        site=values["site"],
        company_name=values["company_name"],
        business_type=values["business_type"],
        country=values["country"],
        access_country=values["access_country"],
        address=values["address"],
        contact_name=values["contact_name"],
        email=values["email"],
        phone=values["phone"],
        registration_number=values["registration_number"],
        is_buyer="buyer" in values["roles"],
        is_supplier="supplier" in values["roles"],
        contracting_entity=decision.entity.key,
        contracting_rule=decision.rule_id,
        contracting_clause=decision.clause,
        registration_ip=ip,
    )
    approved = {(m.kind, m.value) for m in matches}
    try:
        with transaction.atomic():
            MemberIdentifier.objects.bulk_create(
                MemberIdentifier(
                    member=member,
                    kind=k,
                    value=v,
                    slot=approval.pk if approval and (k, v) in approved else 0,
                )
                for k, v in claims
            )
    except IntegrityError:
        # Lost a race with a concurrent registration of the same identifiers.
        raced = list(MemberIdentifier.objects.filter(query).exclude(member=member))
        error = _duplicate_error(raced)
        error.extra["matches"] = raced
        raise error from None
    if approval is not None:
        approval.used_by = member
        approval.used_at = timezone.now()
        approval.save(update_fields=["used_by", "used_at"])
        DuplicateSignal.objects.bulk_create(
            DuplicateSignal(
                kind=m.kind,
                value=m.value,
                existing_member_id=m.member_id,
                new_member=member,
                outcome=SignalOutcome.APPROVED,
                attempt={"approval": approval.pk},
                ip=ip,
            )
            for m in matches
        )
    terms_accept(member_pk=member.pk, version=version, method=AcceptanceMethod.REGISTRATION, ip=ip)
    return member


@transaction.atomic
def second_account_approve(
    *, signal: DuplicateSignal, by: User, reason: str
) -> SecondAccountApproval:
    """Clause 4.1 "except with Alibaba.com's approval": staff allow one more account.

    Only a refused registration can be approved. Approving the same attempt again while its
    approval is unused answers that approval, so a repeated click never allows two accounts.
    """
    reason = _required_reason(reason)
    if signal.outcome != SignalOutcome.REFUSED:
        raise Conflict("Only a refused registration can be approved.")
    attempt = signal.attempt or {}
    country = attempt.get("country", "")
    identifiers = {
        "email": identity.email_identity(attempt["email"]) if attempt.get("email") else "",
        "phone": attempt.get("phone", "") or "",
        "registration_number": identity.registration_number_identity(
            attempt.get("registration_number", "") or "", country=country
        ),
    }
    now = timezone.now()
    pending = (
        SecondAccountApproval.objects.select_for_update()
        .filter(used_by__isnull=True, expires_at__gt=now, **identifiers)
        .order_by("created_at", "pk")
        .first()
    )
    if pending is not None:
        return pending
    return SecondAccountApproval.objects.create(
        **identifiers,
        reason=reason,
        approved_by=by,
        expires_at=now + timedelta(days=SECOND_ACCOUNT_APPROVAL_DAYS),
    )


# --- Login and tokens ---------------------------------------------------------------------


def member_authenticate(*, request: HttpRequest, login: str, password: str) -> User:
    """Check credentials under login throttling (django-axes, keyed on account + address).

    Text no account can hold (control characters, NUL) is refused before any lookup, so it
    never reaches the database or the throttle's records.
    """
    if text_problem(login or "") or text_problem(password or ""):
        raise InvalidCredentials("The member ID/email or password is incorrect.")
    user = authenticate(request, login=login, password=password)
    if getattr(request, "axes_locked_out", False):
        raise Throttled(
            "Too many failed login attempts for this account from your address. "
            "Try again later or reset your password.",
            retry_after=int(settings.AXES_COOLOFF_TIME.total_seconds()),
            code="login_throttled",
        )
    if user is None:
        raise InvalidCredentials("The member ID/email or password is incorrect.")
    member = getattr(user, "member", None)
    if member is not None and member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            f"This account is {member.status}; it cannot log in or use the API. "
            "Contact support if you believe this is wrong.",
            extra={"status": member.status},
        )
    if not user.is_active:
        raise AccountNotActive("This account is disabled.")
    return user


@transaction.atomic
def api_token_create(
    *, user: User, name: str, ttl: timedelta | None = None
) -> tuple[ApiToken, str]:
    """A personal API token; the secret is returned once and only its hash is kept."""
    try:
        name = clean_text(name or "")[:100] or "API token"
    except ValueError as exc:
        raise InvalidInput(f"The name {exc}.", fields={"name": [str(exc)]}) from None
    raw = f"tp_{secrets.token_urlsafe(32)}"
    ttl = settings.API_TOKEN_TTL if ttl is None else ttl
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        key_hash=ApiToken.hash_key(raw),
        expires_at=timezone.now() + ttl if ttl else None,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("No such API token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """Bearer auth: a live token of an active account (with its user loaded), or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_live or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Status (suspension, termination) -----------------------------------------------------


@transaction.atomic
def member_change_status(*, member: Member, to_status: str, reason: str, by: User) -> Member:
    """Staff change a member's status with a required reason (clauses 4.5, 6.2 i).

    Suspending or terminating ends every live session and revokes every API token at once.
    """
    reason = _required_reason(reason, missing="A reason is required to change status.")
    if to_status not in MemberStatus.values:
        raise InvalidInput("Unknown status.", fields={"status": [f"One of {MemberStatus.values}."]})
    member = Member.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.status == to_status:
        raise Conflict(f"The member is already {to_status}.")
    if member.status == MemberStatus.TERMINATED:
        raise Conflict("A terminated account cannot be changed.")
    now = timezone.now()
    MemberStatusChange.objects.create(
        member=member, from_status=member.status, to_status=to_status, reason=reason, changed_by=by
    )
    member.status = to_status
    member.status_reason = reason
    member.status_changed_at = now
    member.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    from tradepost.catalog import search  # catalog builds on members: import at use

    search.supplier_visibility_changed(
        member_pk=member.pk, visible=to_status == MemberStatus.ACTIVE
    )
    active = to_status == MemberStatus.ACTIVE
    User.objects.filter(pk=member.user_id).update(
        is_active=active, session_epoch=F("session_epoch") + (0 if active else 1)
    )
    if not active:
        ApiToken.objects.filter(user_id=member.user_id, revoked_at__isnull=True).update(
            revoked_at=now
        )
    member.user.refresh_from_db()
    return member


# --- Profile (clause 5.2) -----------------------------------------------------------------

EDITABLE_FIELDS = (
    "company_name",
    "business_type",
    "country",
    "access_country",
    "address",
    "contact_name",
    "email",
    "phone",
    "registration_number",
    "roles",
)


@transaction.atomic
def member_update_profile(
    *, member: Member, by: User, changes: dict[str, Any], ip: str | None
) -> Member:
    """Clause 5.2: keep information current. Each edit is a revision (who, when, what).

    A change of country or access country re-decides the contracting entity (2.1).
    A change of email, phone or registration number is held to clause 4.1 like registration.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput("Unknown fields.", fields={k: ["Not editable."] for k in unknown})
    current = {
        "company_name": member.company_name,
        "business_type": member.business_type,
        "country": member.country,
        "access_country": member.access_country,
        "address": member.address,
        "contact_name": member.contact_name,
        "email": member.email,
        "phone": member.phone,
        "registration_number": member.registration_number,
        "roles": member.roles,
    }
    merged = {**current, **{k: v for k, v in changes.items() if v is not None}}
    c = _Cleaned()
    c.take("company_name", _required_text, merged["company_name"], "Company legal name", 200)
    c.take("business_type", _choice, merged["business_type"], BusinessType, "Business type")
    country = c.take("country", identity.normalise_country, merged["country"])
    c.take("access_country", identity.normalise_country, merged["access_country"])
    c.take("address", _required_text, merged["address"], "Address", 1000, multiline=True)
    c.take("contact_name", _required_text, merged["contact_name"], "Contact person", 200)
    c.take("email", identity.clean_email, merged["email"])
    if country:
        c.take("phone", identity.clean_phone, merged["phone"], country=country)
    c.take(
        "registration_number",
        _optional_text,
        merged["registration_number"],
        "Registration number",
        REGISTRATION_NUMBER_MAX_LENGTH,
    )
    c.take("roles", _roles, merged["roles"])
    if c.errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=c.errors)
    new = c.values
    diff = {k: [current[k], new[k]] for k in EDITABLE_FIELDS if current[k] != new[k]}
    if not diff:
        return member
    claims = _identity_claims(new)
    old_claims = set(member.identifiers.values_list("kind", "value"))
    added = [(k, v) for k, v in claims if (k, v) not in old_claims]
    if added:
        query = Q()
        for kind, value in added:
            query |= Q(kind=kind, value=value)
        taken = list(MemberIdentifier.objects.filter(query).exclude(member=member))
        if taken:
            raise _duplicate_error(taken)
    member.identifiers.exclude(
        pk__in=[i.pk for i in member.identifiers.all() if (i.kind, i.value) in set(claims)]
    ).delete()
    try:
        with transaction.atomic():
            MemberIdentifier.objects.bulk_create(
                MemberIdentifier(member=member, kind=k, value=v) for k, v in added
            )
    except IntegrityError:
        raise _duplicate_error([]) from None
    for key in EDITABLE_FIELDS:
        if key == "roles":
            member.is_buyer = "buyer" in new["roles"]
            member.is_supplier = "supplier" in new["roles"]
        else:
            setattr(member, key, new[key])
    if "country" in diff or "access_country" in diff:
        decision = contracting_entity_for(
            site=member.site, country=member.country, access_country=member.access_country
        )
        if decision.entity.key != member.contracting_entity:
            diff["contracting_entity"] = [member.contracting_entity, decision.entity.key]
        member.contracting_entity = decision.entity.key
        member.contracting_rule = decision.rule_id
        member.contracting_clause = decision.clause
    member.save()
    if "email" in diff:
        User.objects.filter(pk=member.user_id).update(email=member.email)
    ProfileRevision.objects.create(member=member, changed_by=by, changes=diff, ip=ip)
    return member


# --- Business referees (clause 5.8) -------------------------------------------------------


@transaction.atomic
def referee_add(
    *,
    member: Member,
    name: str,
    company: str = "",
    email: str = "",
    phone: str = "",
    relationship: str = "",
    consent_given: bool,
) -> BusinessReferee:
    """Clause 5.8: the member warrants the referee consented; we record that warranty."""
    c = _Cleaned()
    c.take("name", _required_text, name, "Referee name", 200)
    c.take("company", _optional_text, company, "Company", 200)
    if email:
        c.take("email", identity.clean_email, email)
    if phone:
        c.take("phone", identity.clean_phone, phone, country=member.country)
    c.take("relationship", _optional_text, relationship, "Relationship", 200)
    if c.errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=c.errors)
    Member.objects.select_for_update().filter(pk=member.pk).first()  # serialise the count
    if member.referees.count() >= 20:
        raise Conflict("A member can list at most 20 business referees.")
    return BusinessReferee.objects.create(
        member=member,
        name=c.values["name"],
        company=c.values.get("company", ""),
        email=c.values.get("email", ""),
        phone=c.values.get("phone", ""),
        relationship=c.values.get("relationship", ""),
        consent_given=consent_given,
        consent_recorded_at=timezone.now() if consent_given else None,
    )


@transaction.atomic
def referee_remove(*, member: Member, referee_id: int) -> None:
    deleted, _ = BusinessReferee.objects.filter(pk=referee_id, member=member).delete()
    if not deleted:
        raise NotFound("No such referee.")

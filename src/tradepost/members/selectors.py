"""Reads about members. Never write."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from tradepost import gates
from tradepost.members.models import ApiToken, Member, ProfileRevision, User
from tradepost.policy import ContractingEntity, load_contracting_policy


def member_for_user(user: User | AnonymousUser) -> Member | None:
    """The user's member row (None for staff): the one bearer authentication loaded with
    the token for this request, else read."""
    if not user.is_authenticated:
        return None
    if User.member.is_cached(user):
        return getattr(user, "member", None)
    try:
        return Member.objects.get(user_id=user.pk)
    except Member.DoesNotExist:
        return None


def member_contracting_entity(member: Member) -> ContractingEntity:
    """Clause 2.1 entity with 12.7 law and courts and the 11.1 notice address."""
    return load_contracting_policy().entity(member.contracting_entity)


def member_profile(member: Member) -> dict:
    """The member as the API and the account page show it."""
    entity = member_contracting_entity(member)
    return {
        "member_id": member.member_id,
        "status": member.status,
        "site": member.site,
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
        "created_at": member.created_at,
        "compliance_review": gates.compliance_review_pending(member),
        "contracting_entity": {
            "name": entity.name,
            "registration_number": entity.registration_number,
            "governing_law": entity.governing_law,
            "courts": entity.courts,
            "notice_address": entity.notice_address,
            "clause": member.contracting_clause,
        },
    }


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def profile_revisions(member: Member) -> QuerySet[ProfileRevision]:
    return ProfileRevision.objects.filter(member=member).select_related("changed_by")

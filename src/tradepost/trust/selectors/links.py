"""Related accounts (clause 6.2 (i)): a member's cluster, its links and their evidence.

Other areas call `related_member_ids(member)` (an action "with its related accounts", a case
showing the cluster) and `cluster_of(member)`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tradepost.members.models import Member
from tradepost.policy.related_accounts import load_related_accounts_policy
from tradepost.trust.models.links import Link, LinkStatus, MemberCluster, SharingAlert


def cluster_root(member_pk: int) -> int:
    """The key naming the member's cluster (its own key when it is a cluster of one)."""
    row = MemberCluster.objects.filter(member_id=member_pk).values_list("root", flat=True).first()
    return member_pk if row is None else int(row)


def cluster_member_pks(member_pk: int) -> list[int]:
    """The keys of every member in the member's cluster, the member itself first."""
    root = MemberCluster.objects.filter(member_id=member_pk).values_list("root", flat=True).first()
    if root is None:
        return [member_pk]
    others = (
        MemberCluster.objects.filter(root=root)
        .exclude(member_id=member_pk)
        .order_by("member_id")
        .values_list("member_id", flat=True)
    )
    return [member_pk, *others]


def cluster_of(member: Member) -> list[Member]:
    """Clause 6.2 (i): the member and its related accounts, the member itself first."""
    pks = cluster_member_pks(member.pk)
    others = {m.pk: m for m in Member.objects.filter(pk__in=pks[1:])}
    return [member, *(others[pk] for pk in pks[1:] if pk in others)]


def related_member_ids(member: Member) -> list[str]:
    """Clause 6.2 (i): the member IDs of the member's cluster, the member's own first."""
    pks = cluster_member_pks(member.pk)
    ids = dict(Member.objects.filter(pk__in=pks[1:]).values_list("pk", "member_id"))
    return [member.member_id, *(ids[pk] for pk in pks[1:] if pk in ids)]


def cluster_links(member: Member, *, include_stopped: bool = False) -> QuerySet[Link]:
    """The links inside the member's cluster (active ones; with `include_stopped`, also the
    false positives and lapsed links touching any member of it), oldest first."""
    pks = cluster_member_pks(member.pk)
    if include_stopped:
        query = Q(a_id__in=pks) | Q(b_id__in=pks)
    else:
        query = Q(a_id__in=pks, b_id__in=pks, status=LinkStatus.ACTIVE)
    return Link.objects.filter(query).select_related("a", "b").order_by("first_seen", "pk")


def sharing_alerts(member: Member) -> QuerySet[SharingAlert]:
    return SharingAlert.objects.filter(member=member).order_by("-created_at")


def kinds_by_strength(kinds: list[str]) -> list[str]:
    """Strong kinds first, then by weight, heaviest first: the evidence staff read first."""
    policy = load_related_accounts_policy()

    def key(kind: str) -> tuple[bool, float, str]:
        rule = policy.kinds.get(kind)
        return (not rule.links_alone, -rule.weight, kind) if rule else (True, 0.0, kind)

    return sorted(kinds, key=key)

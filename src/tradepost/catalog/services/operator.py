"""Operator use cases: Product Listing Policy versions from the console, the category tree."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tradepost.catalog.models import Category, ListingPolicyActivation, ListingPolicyVersion
from tradepost.catalog.policy import PolicyError, load_categories, parse_listing_policy
from tradepost.errors import InvalidInput, NotFound
from tradepost.members.models import User

# --- Policy and categories (operator) -----------------------------------------------------


@transaction.atomic
def listing_policy_version_create(
    *, document: str, by: User, notes: str = "", activate: bool = False
) -> ListingPolicyVersion:
    """A new console version of the Product Listing Policy, validated like the bundled file."""
    try:
        policy = parse_listing_policy(
            document, source="the new version", known_categories=load_categories().slugs()
        )
    except PolicyError as exc:
        raise InvalidInput(str(exc), fields={"document": [str(exc)]}) from exc
    if policy.wording.legacy:
        message = (
            "The better-profanity word list was removed: list the abusive words per language "
            "under [wording.words] and drop `word_list` and `allow`."
        )
        raise InvalidInput(message, fields={"document": [message]})
    if ListingPolicyVersion.objects.filter(version=policy.version).exists():
        raise InvalidInput(
            f"Version {policy.version!r} exists already: bump `version` in the document.",
            fields={"document": ["Bump `version`."]},
        )
    row = ListingPolicyVersion.objects.create(
        version=policy.version, document=document, sha256=policy.sha256, notes=notes, created_by=by
    )
    if activate:
        listing_policy_version_activate(version_id=row.pk, by=by)
        row.refresh_from_db()
    return row


@transaction.atomic
def listing_policy_version_activate(*, version_id: int | None, by: User) -> None:
    """Make a console version the policy in force (None: fall back to the bundled file).

    Each activation is kept (ListingPolicyActivation) with the staff member who made it.
    Screening reads the policy in force on every check, so nothing derived goes stale."""
    version = None
    if version_id is not None:
        version = ListingPolicyVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            raise NotFound("Policy version not found.")
    ListingPolicyVersion.objects.select_for_update().filter(is_active=True).update(is_active=False)
    if version is not None:
        ListingPolicyVersion.objects.filter(pk=version.pk).update(
            is_active=True, activated_by=by, activated_at=timezone.now()
        )
    ListingPolicyActivation.objects.create(version=version, by=by)


@transaction.atomic
def categories_sync() -> int:
    """Bring the Category table in step with policy/categories.toml (after every migrate).

    Slugs are the identity: new ones are added, names, parents and order updated, and
    categories no longer in the file hidden (is_active False) but kept for old listings.
    """
    tree = load_categories()
    existing = {c.slug: c for c in Category.objects.all()}
    seen: set[str] = set()
    for position, (node, parent_slug) in enumerate(tree.walk()):
        parent = existing[parent_slug] if parent_slug else None
        category = existing.get(node.slug)
        if category is None:
            category = Category.objects.create(
                slug=node.slug, name=node.name, parent=parent, position=position
            )
            existing[node.slug] = category
        elif (
            category.name != node.name
            or category.parent_id != (parent.pk if parent else None)
            or category.position != position
            or not category.is_active
        ):
            category.name, category.parent, category.position = node.name, parent, position
            category.is_active = True
            category.save()
        seen.add(node.slug)
    Category.objects.exclude(slug__in=seen).update(is_active=False)
    return len(seen)

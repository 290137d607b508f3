"""Whether the member looking at a page saved a listing or a supplier: for the "Save"
buttons on pages whose views are not the workspace's.

    {% load favourites %}
    {% listing_saved listing.pk as saved %}
    {% include "catalog/_favourite_button.html" with listing_id=listing.pk saved=saved %}
"""

from __future__ import annotations

from typing import Any

from django import template

from tradepost.catalog import selectors
from tradepost.members.selectors import member_for_user

register = template.Library()


def _member(context: Any) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return member_for_user(user)


@register.simple_tag(takes_context=True)
def listing_saved(context: Any, listing_id: int) -> bool:
    return selectors.is_favourite_listing(member=_member(context), listing_id=listing_id)


@register.simple_tag(takes_context=True)
def supplier_saved(context: Any, supplier_pk: int) -> bool:
    return selectors.is_favourite_supplier(member=_member(context), supplier_id=supplier_pk)

"""Identity signals from registration and login (clauses 4.1, 4.5, 6.2 (i)).

Connected in `TrustConfig.ready`: members sends `member_registered` from its registration
service (members cannot import trust), Django sends `user_logged_in` on every login, pages
and API alike. Staff logins are not members' and are ignored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from tradepost.http import client_ip, request_access_country
from tradepost.members.models import Member
from tradepost.members.signals import member_registered
from tradepost.trust.middleware import current_device_id
from tradepost.trust.services import links


def on_member_registered(sender: Any, *, member: Member, ip: str | None, **kwargs: Any) -> None:
    links.signals_from_registration(member=member, ip=ip, device_id=current_device_id())


def on_user_logged_in(
    sender: Any, *, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    member = getattr(user, "member", None)  # staff have none
    if not isinstance(member, Member) or request is None:
        return  # staff, or a login outside a request
    links.signals_from_login(
        member=member,
        ip=client_ip(request),
        device_id=getattr(request, "device_id", "") or current_device_id(),
        country=request_access_country(request),
    )


def connect() -> None:
    member_registered.connect(on_member_registered, dispatch_uid="trust.links.registered")
    user_logged_in.connect(on_user_logged_in, dispatch_uid="trust.links.logged_in")

"""The staff API (`/api/v1/staff/`) and the members' side of enforcement (appeals, counter-
notices, information requests, the downloads of their files), one module per area, each
with its own router; they are composed here and mounted by the API root.
"""

from __future__ import annotations

from ninja import Router

from tradepost.trust.api import (
    actions,
    audit,
    cases,
    disclosure,
    evidence,
    files,
    ip,
    links,
    requests,
)

# Staff operations: every handler is guarded by `common.staff_permission`.
staff_router = Router()
staff_router.add_router("", audit.router)
staff_router.add_router("", actions.router)
staff_router.add_router("", evidence.router)
staff_router.add_router("", cases.router)
staff_router.add_router("", ip.router)
staff_router.add_router("", links.router)
staff_router.add_router("", requests.staff_router)
staff_router.add_router("", disclosure.router)
staff_router.add_router("", files.router)

# Members' operations (their own appeals, counter-notices, answers), under /api/v1/.
member_router = Router()
member_router.add_router("", actions.member_router)
member_router.add_router("", evidence.member_router)
member_router.add_router("", cases.member_router)
member_router.add_router("", ip.member_router)
member_router.add_router("", requests.member_router)
member_router.add_router("", files.member_router)

"""The trade API under /api/v1/ (members) and /api/v1/staff/ (staff), one module per area,
each with its own router; they are composed here and mounted by the API root.
"""

from __future__ import annotations

from ninja import Router

from tradepost.trade.api import disputes as disputes_api
from tradepost.trade.api import feedback as feedback_api
from tradepost.trade.api import ledger, messaging, rfq
from tradepost.trade.api import orders as orders_api

# Members' operations (inquiries, conversations, RFQs, orders, disputes, feedback).
member_router = Router()
member_router.add_router("", messaging.router)
member_router.add_router("", rfq.router)
member_router.add_router("", orders_api.router)
member_router.add_router("", disputes_api.router)
member_router.add_router("", feedback_api.router)

# Staff operations: every handler is guarded by `tradepost.trust.api.common.staff_permission`.
staff_router = Router()
staff_router.add_router("", ledger.router)
staff_router.add_router("", messaging.staff_router)
staff_router.add_router("", disputes_api.staff_router)

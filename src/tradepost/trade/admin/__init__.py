"""The operator console's trade pages, one module per area."""

from tradepost.trade.admin import (
    disputes,  # noqa: F401  (disputes and feedback)
    messaging,  # noqa: F401  (conversations, messages, 7.1)
    orders,  # noqa: F401  (orders with their ledger entries, read-only)
    rfq,  # noqa: F401  (RFQs and quotations, read-only)
)

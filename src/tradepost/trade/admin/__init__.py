"""The operator console's trade pages, one module per area."""

from tradepost.trade.admin import (
    disputes,  # noqa: F401  (DisputeAdmin, FeedbackAdmin)
    orders,  # noqa: F401  (registers OrderAdmin)
)

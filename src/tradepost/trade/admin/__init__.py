"""The operator console's trade pages, one module per area."""

from tradepost.trade.admin import orders  # noqa: F401  (registers OrderAdmin)

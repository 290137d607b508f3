"""Billing in the operator console: one module per part of the app."""

from tradepost.billing import (
    admin_liability,  # noqa: F401
    admin_operations,  # noqa: F401
)

"""The operator console's billing pages, one module per part."""

from tradepost.billing import (
    admin_promotions,  # noqa: F401  (Promotion Services, read-only)
    admin_subscriptions,  # noqa: F401  (subscriptions, invoices)
    admin_verification,  # noqa: F401  (verification requests and checks)
)

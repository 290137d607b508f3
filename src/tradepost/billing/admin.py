"""The operator console's billing pages, one module per part."""

from tradepost.billing import (
    admin_liability,  # noqa: F401  (the liability cap panel on the member page, 8.8)
    admin_operations,  # noqa: F401  (maintenance windows and incidents, 9.1)
    admin_promotions,  # noqa: F401  (Promotion Services, read-only)
    admin_subscriptions,  # noqa: F401  (subscriptions, invoices)
    admin_verification,  # noqa: F401  (verification requests and checks)
)

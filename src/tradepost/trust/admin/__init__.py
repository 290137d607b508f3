"""The console's Trust & Safety pages, one module per area (Django imports `trust.admin`)."""

from tradepost.trust.admin import (
    members,  # noqa: F401  (registers MemberAdmin)
    requests,  # noqa: F401  (information and disclosure requests)
)

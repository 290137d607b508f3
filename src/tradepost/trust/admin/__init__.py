"""The console's Trust & Safety pages, one module per area (Django imports `trust.admin`)."""

from tradepost.trust.admin import (
    links,  # noqa: F401  (related accounts, 6.2 i)
    members,  # noqa: F401  (registers MemberAdmin)
)

"""The console's Trust & Safety pages, one module per area (Django imports `trust.admin`)."""

from tradepost.trust.admin import (
    cases,  # noqa: F401  (complaints, cases, points, rights claims)
    members,  # noqa: F401  (registers MemberAdmin)
)

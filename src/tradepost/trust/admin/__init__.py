"""The console's Trust & Safety pages, one module per area (Django imports `trust.admin`)."""

from tradepost.trust.admin import members  # noqa: F401, I001  (registers MemberAdmin)
from tradepost.trust.admin import actions  # noqa: F401  (registers ActionAdmin, AppealAdmin)
from tradepost.trust.admin import cases  # noqa: F401  (complaints, cases, points, rights claims)
from tradepost.trust.admin import links  # noqa: F401  (related accounts, 6.2 i)

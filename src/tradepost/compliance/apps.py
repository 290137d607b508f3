from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "tradepost.compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        """Clause 5.13: screen members on registration and name changes, and tell the apps
        below whether a member is held pending compliance review and whether a trade may
        go ahead."""
        from tradepost import gates
        from tradepost.compliance import receivers
        from tradepost.compliance.screening import compliance_review_pending, trade_refusal

        gates.register(compliance_review=compliance_review_pending, trade=trade_refusal)
        receivers.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "tradepost.compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        """Clause 5.13: screen members on registration and name changes, and tell the apps
        below whether a member is held pending compliance review and whether a trade may
        go ahead."""
        from tradepost import demo, gates
        from tradepost.compliance import receivers
        from tradepost.compliance.screening import compliance_review_pending, trade_refusal

        gates.register(compliance_review=compliance_review_pending, trade=trade_refusal)
        receivers.connect()
        demo.register(demo.DemoPart("compliance", _demo_load, _demo_report))


def _demo_load() -> int:
    from tradepost.compliance.demo import demo_compliance_load

    return demo_compliance_load()


def _demo_report(base_url: str) -> list[str]:
    from tradepost.compliance.demo import compliance_tour

    return compliance_tour(base_url)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "tradepost.billing"
    verbose_name = _("Billing and paid services")

    def ready(self) -> None:
        """Clause 9.1: background work of the apps below pauses during a read-only window;
        the demo has a scheduled maintenance window for the banner and the status page."""
        from tradepost import demo, pauses
        from tradepost.billing.selectors.operations import writes_paused_until

        pauses.register(writes_paused_until)
        demo.register(demo.DemoPart("billing-operations", _demo_load, _demo_report))


def _demo_load() -> int:
    from tradepost.billing.demo_operations import demo_operations_load

    return demo_operations_load()


def _demo_report(base_url: str) -> list[str]:
    from tradepost.billing.demo_operations import operations_tour

    return operations_tour(base_url)

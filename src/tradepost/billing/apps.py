from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "tradepost.billing"
    verbose_name = _("Billing and paid services")

    def ready(self) -> None:
        """Clause 2.6: Promotion Services place listings in catalog's search. Clause 9.1:
        background work of the apps below pauses during a read-only window. The demo parts
        of paid services (the demo has a scheduled maintenance window for the banner and
        the status page)."""
        from tradepost import demo, pauses
        from tradepost.billing.selectors.operations import writes_paused_until
        from tradepost.billing.selectors.promotions import search_placements
        from tradepost.catalog import promotions

        promotions.register(search_placements)
        pauses.register(writes_paused_until)
        demo.register(demo.DemoPart("maintenance", _demo_load, _demo_report))
        demo.register(demo.DemoPart("paid membership", _subscriptions_load, _tour))
        demo.register(demo.DemoPart("verification", _verification_demo, _verification_tour))
        demo.register(demo.DemoPart("promotions", _promotions_demo_load, _promotions_tour))


def _subscriptions_load() -> int:
    from tradepost.billing.demo_subscriptions import demo_subscriptions_load

    return demo_subscriptions_load()


def _tour(base_url: str) -> list[str]:
    from tradepost.billing.demo_subscriptions import subscriptions_tour

    return subscriptions_tour(base_url)


def _promotions_demo_load() -> int:
    from tradepost.billing.promotions_demo import promotions_demo_load

    return promotions_demo_load()


def _promotions_tour(base_url: str) -> list[str]:
    from tradepost.billing.promotions_demo import promotions_tour

    return promotions_tour(base_url)


def _verification_demo() -> int:
    from tradepost.billing.verification_demo import demo_verification_load

    return demo_verification_load()


def _verification_tour(base_url: str) -> list[str]:
    from tradepost.billing.verification_demo import verification_tour

    return verification_tour(base_url)


def _demo_load() -> int:
    from tradepost.billing.demo_operations import demo_operations_load

    return demo_operations_load()


def _demo_report(base_url: str) -> list[str]:
    from tradepost.billing.demo_operations import operations_tour

    return operations_tour(base_url)

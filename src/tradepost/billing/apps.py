from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "tradepost.billing"
    verbose_name = _("Billing and paid services")

    def ready(self) -> None:
        from tradepost import demo

        demo.register(demo.DemoPart("billing-subscriptions", _subscriptions_load, _tour))


def _subscriptions_load() -> int:
    from tradepost.billing.demo_subscriptions import demo_subscriptions_load

    return demo_subscriptions_load()


def _tour(base_url: str) -> list[str]:
    from tradepost.billing.demo_subscriptions import subscriptions_tour

    return subscriptions_tour(base_url)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "tradepost.billing"
    verbose_name = _("Billing and paid services")

    def ready(self) -> None:
        from tradepost import demo

        demo.register(demo.DemoPart("verification", _verification_demo, _verification_tour))


def _verification_demo() -> int:
    from tradepost.billing.verification_demo import demo_verification_load

    return demo_verification_load()


def _verification_tour(base_url: str) -> list[str]:
    from tradepost.billing.verification_demo import verification_tour

    return verification_tour(base_url)

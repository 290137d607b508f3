from django.apps import AppConfig


class TrustConfig(AppConfig):
    """Trust & Safety owns enforcement (clauses 4.5, 6.1-6.5); it sits above members and catalog,
    so one of its actions can take effect in every app below it in one transaction."""

    name = "tradepost.trust"
    verbose_name = "Trust & Safety"

    def ready(self) -> None:
        from tradepost.trust import receivers

        receivers.connect()  # identity signals on registration and login (related accounts)

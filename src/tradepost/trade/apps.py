from django.apps import AppConfig


class TradeConfig(AppConfig):
    """Clause 7.1: the two platforms of the Terms, one to exchange information between buyers
    and sellers (inquiries, messages, requests for quotation) and one to place, accept,
    conclude, manage and fulfil orders online, with protected payment. It sits above trust, so
    the disciplinary actions and related-account clusters apply to every trade step."""

    name = "tradepost.trade"
    verbose_name = "Trade"

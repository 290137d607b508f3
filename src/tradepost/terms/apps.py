from django.apps import AppConfig


class TermsConfig(AppConfig):
    name = "tradepost.terms"
    verbose_name = "Terms of Use"

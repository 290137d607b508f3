from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "tradepost.notices"
    verbose_name = "Notices"

"""The operator console as Django's admin app with Tradepost's own site (its dashboard)."""

from django.contrib.admin.apps import AdminConfig


class ConsoleAdminConfig(AdminConfig):
    """Installed in place of "django.contrib.admin"; `admin.site` is a `ConsoleSite`."""

    default_site = "tradepost.config.console.ConsoleSite"

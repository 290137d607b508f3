from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _after_last_app_migrated(sender: AppConfig, **kwargs: Any) -> None:
    # Permissions of every app exist only once the last app's post_migrate has run (Django
    # sends it only for apps with a models module).
    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from tradepost.members.roles import staff_roles_sync

    staff_roles_sync()


class MembersConfig(AppConfig):
    name = "tradepost.members"
    verbose_name = "Members"

    def ready(self) -> None:
        # Set-up, not business flow: keeps staff role groups in step with the policy file.
        post_migrate.connect(_after_last_app_migrated, dispatch_uid="tradepost_staff_roles")

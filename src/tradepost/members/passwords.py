"""Password rules beyond Django's validators (OWASP ASVS 2.1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Long passphrases are welcome (64+ accepted unchanged); only absurd lengths are refused."""

    def __init__(self, max_length: int | None = None) -> None:
        self.max_length: int = max_length or int(getattr(settings, "PASSWORD_MAX_LENGTH", 256))

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password may be up to {self.max_length} characters long."


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with test-suite costs. Used only by tradepost.config.test_settings."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1

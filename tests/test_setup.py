"""The set-up contract: the console script, production checks, and SQLite tuned for writers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

TRADEPOST = str(Path(sys.executable).with_name("tradepost"))


def _run(args, tmp_path, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env.update({"TRADEPOST_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [TRADEPOST, *args], capture_output=True, text=True, env=full_env, timeout=120, check=False
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="false",
        ALLOWED_HOSTS="tradepost.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_sqlite_uses_wal_normal_sync_and_busy_timeout(tmp_path):
    code = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA synchronous').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0],"
        " connection.transaction_mode)\n"
    )
    result = _run(["shell", "-c", code], tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["wal", "1", "20000", "IMMEDIATE"]
    assert (tmp_path / "tradepost.sqlite3").exists()


def test_database_url_selects_the_database_for_the_console_script(tmp_path):
    other = tmp_path / "elsewhere.sqlite3"
    result = _run(
        ["shell", "-c", "from django.db import connection as c; print(c.settings_dict['NAME'])"],
        tmp_path,
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{other}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(other)


def test_production_hashes_passwords_with_argon2():
    from tradepost.config import settings as prod

    assert prod.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Trade's concurrency tests run threads against one SQLite database: give SQLite a test
    database file per xdist worker (threads on the shared in-memory database lock tables
    instead of waiting). Only effective when the test database is first created for a trade
    test; the concurrency tests skip themselves on an in-memory database."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not db.get("TEST", {}).get("NAME"):
        worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
        name = os.path.join(str(settings.DATA_DIR), f"test-trade-{worker}.sqlite3")
        db.setdefault("TEST", {})["NAME"] = name

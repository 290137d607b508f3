import json
import os

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file (one per xdist worker) under TRADEPOST_DATA_DIR,
    in WAL mode like production, never pytest-django's shared in-memory database: the
    concurrency tests run threads against it (on a shared in-memory database they lock tables
    instead of waiting) and tests/trade/test_orders_live_server.py serves it from a separate
    gunicorn process. Defined here, once for the whole suite, because whichever test first
    needs the database decides how the session's test database is made."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not db.get("TEST", {}).get("NAME"):
        worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
        name = os.path.join(str(settings.DATA_DIR), f"test-{worker}.sqlite3")
        db.setdefault("TEST", {})["NAME"] = name


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """JSON test client for /api/v1/ with an optional bearer token."""

    def __init__(self, token: str | None = None, remote_addr: str = "198.51.100.10"):
        self.client = Client(REMOTE_ADDR=remote_addr)
        self.token = token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def call(self, method: str, path: str, body=None, raw: bytes | str | None = None, **extra):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        fn = getattr(self.client, method)
        kwargs = {**self._headers(), **extra}
        if data is not None:
            return fn(f"/api/v1{path}", data, content_type="application/json", **kwargs)
        return fn(f"/api/v1{path}", **kwargs)

    def get(self, path, **kw):
        return self.call("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def bundled_terms(transactional_db):
    """Transactional tests flush the database (data migrations included) around them:
    put back the bundled Terms versions that registration needs (clause 1.1)."""
    from tradepost.policy import SITES
    from tradepost.terms.documents import bundled_parts
    from tradepost.terms.models import TermsVersion

    for site in SITES:
        for part in bundled_parts():
            TermsVersion.objects.get_or_create(
                site=site,
                effective_date=part.effective_date,
                defaults={"label": part.label, "body": part.body, "body_sha256": part.sha256},
            )

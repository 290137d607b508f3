import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradepost.config.settings")
application = get_wsgi_application()

# Clause 5.13: the sanctions screening index is built from the lists in the database; each
# server process builds it once at start and keeps it current in a daemon thread, so no
# registration waits for (or holds SQLite's write lock during) a build.
# TRADEPOST_WARM_SCREENING=0 turns it off (settings.SCREENING_WARM_INDEX).
if settings.SCREENING_WARM_INDEX:
    from tradepost.compliance.matching import keep_index_warm

    keep_index_warm()

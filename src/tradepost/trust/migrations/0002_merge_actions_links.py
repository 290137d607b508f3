from django.db import migrations


class Migration(migrations.Migration):
    """Joins the actions and related-accounts areas (both started at 0001 in parallel)."""

    dependencies = [("trust", "0001_actions"), ("trust", "0001_links")]
    operations: list = []

"""Load the bundled Terms of Use (Part A 2020-10-17, Part B 2020-05-06) for both site families,
so a fresh install always has a version in force to accept at registration (clause 1.1)."""

from django.db import migrations


def load(apps, schema_editor):
    from tradepost.terms.documents import bundled_parts

    TermsVersion = apps.get_model("terms", "TermsVersion")
    for site in ("alibaba", "aliexpress"):
        for part in bundled_parts():
            TermsVersion.objects.get_or_create(
                site=site,
                effective_date=part.effective_date,
                defaults={"label": part.label, "body": part.body, "body_sha256": part.sha256},
            )


class Migration(migrations.Migration):
    dependencies = [("terms", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

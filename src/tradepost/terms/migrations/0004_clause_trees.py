"""Give every stored version its clause tree and preamble, parsed from its body.

Covers the versions 0002 loaded from the bundled Terms (a fresh install) and any version an
older install already holds. Uses the pure parser and `apps.get_model`, not the app's models.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from tradepost.terms.clause_rows import clause_rows_create
    from tradepost.terms.parsing import parse_version_body

    TermsVersion = apps.get_model("terms", "TermsVersion")
    Clause = apps.get_model("terms", "Clause")
    for version in TermsVersion.objects.filter(clauses__isnull=True).order_by("pk"):
        part = parse_version_body(version.body, effective_date=version.effective_date)
        version.preamble = part.preamble
        version.save(update_fields=["preamble"])
        clause_rows_create(clause_model=Clause, version=version, part=part)


class Migration(migrations.Migration):
    dependencies = [("terms", "0003_clauses_translations")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

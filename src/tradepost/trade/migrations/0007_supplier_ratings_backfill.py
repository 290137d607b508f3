"""Clause 3.6: copy every member's rating (counted feedback only) into the catalog's
SupplierRating, which search shows, filters and sorts by. From here on the feedback
services keep it in step. Same rounding as `trade.selectors.feedback.member_rating`."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.db.models import Avg, Count


def backfill(apps, schema_editor):
    Feedback = apps.get_model("trade", "Feedback")
    SupplierRating = apps.get_model("catalog", "SupplierRating")
    rows = (
        Feedback.objects.filter(status="counted")
        .order_by()
        .values("ratee_id")
        .annotate(avg=Avg("rating"), n=Count("id"))
        .values_list("ratee_id", "avg", "n")
    )
    SupplierRating.objects.all().delete()
    SupplierRating.objects.bulk_create(
        [
            SupplierRating(
                member_id=member_pk,
                average=Decimal(str(avg)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                count=n,
            )
            for member_pk, avg, n in rows
            if n
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0006_disputes_feedback"),
        ("catalog", "0010_supplier_rating"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

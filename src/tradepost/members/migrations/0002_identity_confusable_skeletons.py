"""Clause 4.1: recompute the stored identities with the NFKC + UTS #39 skeleton.

Emails and registration numbers are now compared by their confusables skeleton, so the
values that hold the one-account constraint are recomputed. Two members whose identities
only now coincide (a look-alike that got through before) keep their old values, and the
migration names them so staff can review the pair; nothing is deleted.
"""

from django.db import migrations

from tradepost.members.identity import email_identity, registration_number_identity


def _registration_identity(value, country):
    return registration_number_identity(value or "", country=country)


def recompute(apps, schema_editor):
    MemberIdentifier = apps.get_model("members", "MemberIdentifier")
    SecondAccountApproval = apps.get_model("members", "SecondAccountApproval")
    rows = list(MemberIdentifier.objects.select_related("member").order_by("pk"))
    taken = {(r.kind, r.value, r.slot): r for r in rows}
    for row in rows:
        if row.kind == "email":
            new = email_identity(row.member.email)
        elif row.kind == "registration_number":
            new = _registration_identity(row.member.registration_number, row.member.country)
        else:
            continue
        if not new or new == row.value:
            continue
        holder = taken.get((row.kind, new, row.slot))
        if holder is not None and holder.pk != row.pk:
            print(
                f"\n  clause 4.1: {row.kind} of member {row.member.member_id} looks like "
                f"member {holder.member.member_id}'s; kept as it was, for staff to review."
            )
            continue
        del taken[(row.kind, row.value, row.slot)]
        row.value = new
        taken[(row.kind, new, row.slot)] = row
        row.save(update_fields=["value"])
    for approval in SecondAccountApproval.objects.all():
        email = email_identity(approval.email) if approval.email else ""
        number = approval.registration_number
        if number:
            country, _, compact = number.partition(":")
            number = _registration_identity(compact, country)
        if (email, number) != (approval.email, approval.registration_number):
            approval.email, approval.registration_number = email, number
            approval.save(update_fields=["email", "registration_number"])


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]

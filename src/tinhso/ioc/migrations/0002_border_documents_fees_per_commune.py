"""The documents, border and fee indicators now have figures per commune (the issuing
committee's commune, the gate's commune): turn on the flag the seeded catalogue set off."""

from django.db import migrations

CODES = ["agencies_electronic_documents", "signed_documents", "border_trucks_per_day",
         "border_backlog", "border_mean_wait", "fee_revenue"]


def forwards(apps, schema_editor):
    apps.get_model("ioc", "Indicator").objects.filter(code__in=CODES).update(per_commune=True)


def backwards(apps, schema_editor):
    apps.get_model("ioc", "Indicator").objects.filter(code__in=CODES).update(per_commune=False)


class Migration(migrations.Migration):
    dependencies = [("ioc", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]

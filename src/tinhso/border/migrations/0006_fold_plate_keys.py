"""Stored plate keys are recomputed: a key now folds the OCR confusion classes wherever
they stand (a Chinese plate's B and 8, a series letter O/Q/D), and repairs nothing else
(an A is no longer taken for a 4). Only rows whose key changes are written."""

from django.db import migrations


def fold_plate_keys(apps, schema_editor):
    # The live function on purpose: the column must hold what the camera path computes
    # for a read now. A later change to plate_key() needs a migration like this one.
    from tinhso.border.platematch import plate_key

    Declaration = apps.get_model("border", "Declaration")
    changed = []
    for declaration in Declaration.objects.only("id", "plate", "plate_key").iterator(
            chunk_size=2000):
        key = plate_key(declaration.plate)
        if key != declaration.plate_key:
            declaration.plate_key = key
            changed.append(declaration)
    Declaration.objects.bulk_update(changed, ["plate_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("border", "0005_whatifrun")]

    # Going back leaves the folded keys: for nearly every plate they are the old keys, and
    # the previous code's fuzzy scan finds the others.
    operations = [migrations.RunPython(fold_plate_keys, migrations.RunPython.noop)]

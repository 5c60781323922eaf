# The procedure catalogue is searched through core.search (accent-insensitive, ranked):
# its index table, filled with the procedures already there.

from django.db import migrations

from tinhso.core.search import CreateSearchIndex, populate


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_search"),
        ("publicservices", "0005_citizen_identity"),
    ]

    operations = [
        CreateSearchIndex("publicservices_procedure"),
        migrations.RunPython(populate("publicservices", "Procedure"), migrations.RunPython.noop),
    ]

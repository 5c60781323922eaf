from django.db import migrations, models
import django.db.models.deletion

# A recompute rewrites every result of a school; with free room in its page, PostgreSQL
# writes the new row version there without touching an index (a HOT update). Only new
# pages keep the room; existing ones gain it as they are rewritten.
FILLFACTOR = "ALTER TABLE schools_result SET (fillfactor = {})"


def set_fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(FILLFACTOR.format(value))
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0005_score_packed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="result",
            name="student",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="results", to="schools.student"),
        ),
        migrations.RunPython(set_fillfactor(70), set_fillfactor(100)),
    ]

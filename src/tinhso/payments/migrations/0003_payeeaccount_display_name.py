from django.db import migrations, models

DEMO_CODE = "bql-kkt-dong-dang"
DEMO_NAME = "Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng – Lạng Sơn"


def name_the_demo_payee(apps, schema_editor):
    PayeeAccount = apps.get_model("payments", "PayeeAccount")
    PayeeAccount.objects.filter(code=DEMO_CODE, display_name="").update(display_name=DEMO_NAME)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_moments_in_window")]

    operations = [
        migrations.AddField(
            model_name="payeeaccount",
            name="display_name",
            field=models.CharField(blank=True, help_text="As printed on receipts, with diacritics.",
                                   max_length=200, verbose_name="payee name"),
        ),
        migrations.RunPython(name_the_demo_payee, migrations.RunPython.noop),
    ]

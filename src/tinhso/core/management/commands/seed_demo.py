from django.core.management.base import BaseCommand
from django.db import transaction

from tinhso.core import demo


class Command(BaseCommand):
    help = "Load Lạng Sơn reference data and one demo user per role. Safe to run twice."

    def handle(self, *args, **options):
        from tinhso.border.demo import seed_border
        from tinhso.payments.demo import seed_payments

        with transaction.atomic():
            demo.seed_administrative_units()
            logins = demo.seed_accounts()
            seed_border()
            seed_payments()
        self.stdout.write("Tài khoản thử nghiệm / Demo logins "
                          f"(mật khẩu / password: {demo.DEMO_PASSWORD})")
        for role, email, phone in logins:
            self.stdout.write(f"  {role:<34} {email:<32} {phone}")

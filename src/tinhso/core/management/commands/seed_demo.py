from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from tinhso.core import demo


class Command(BaseCommand):
    help = "Load Lạng Sơn reference data and one demo user per role. Safe to run twice."

    def handle(self, *args, **options):
        from tinhso.border.demo import seed_border
        from tinhso.documents.demo import STAFF, seed_clerk, seed_documents
        from tinhso.innovation.demo import seed_innovation
        from tinhso.ioc.demo import seed_ioc
        from tinhso.market.demo import MARKET_LOGINS, seed_market
        from tinhso.meetings.demo import seed_meetings
        from tinhso.payments.demo import seed_payments
        from tinhso.publicservices.demo import SAMPLE_OFFICERS, seed_public_services
        from tinhso.schools.demo import seed_schools_demo

        with transaction.atomic():
            demo.seed_administrative_units()
            logins = demo.seed_accounts()
            seed_border()
            seed_payments()
            catalogue = seed_public_services()
            meeting_logins = seed_meetings()
            innovation_logins = seed_innovation()
        # Documents are signed with the demo CA as they are issued: outside the big
        # transaction (a hundred signatures), idempotent on its own.
        documents = seed_documents(count=settings.DEMO_DOCUMENTS, password=demo.DEMO_PASSWORD)
        market = seed_market(demo.DEMO_PASSWORD)
        school_logins = seed_schools_demo()
        # The operations dashboard last: its figures are computed from the others' data.
        logins += seed_ioc(demo.DEMO_PASSWORD)
        logins += [(role.label, email, phone) for email, phone, _n, _o, role in SAMPLE_OFFICERS]
        logins += [(role.label, email, phone) for email, phone, role in MARKET_LOGINS]
        for prefix, _name, role in STAFF:
            logins.append((f"{role.label} (văn bản)", f"{prefix}@ubnd-lang-son.langson.gov.vn",
                           ""))
        logins.append(seed_clerk(password=demo.DEMO_PASSWORD))
        logins += meeting_logins
        logins += school_logins
        logins += innovation_logins
        self.stdout.write("Tài khoản thử nghiệm / Demo logins "
                          f"(mật khẩu / password: {demo.DEMO_PASSWORD})")
        for role, email, phone in logins:
            self.stdout.write(f"  {role:<34} {email:<32} {phone}")
        self.stdout.write(f"Văn bản mẫu / Sample documents: {documents['outgoing']} đi / "
                          f"outgoing, {documents['incoming']} đến / incoming")
        self.stdout.write(f"Thủ tục mẫu / Sample procedures: {len(catalogue.created)} mới / new, "
                          f"{len(catalogue.updated) + len(catalogue.unchanged)} đã có / existing")
        if market:
            self.stdout.write(f"Cửa hàng số / Digital stores: {market['shops']} cửa hàng / "
                              f"shops, {market['products']} sản phẩm / products "
                              f"({market['photos_drawn']} ảnh mới vẽ / photos drawn)")

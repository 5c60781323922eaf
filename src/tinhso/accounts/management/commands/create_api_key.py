from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts.models import ApiScope, Organization
from tinhso.accounts.services import create_api_key
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = "Provision an API key for a machine (plate camera, agency system); printed once."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="organisation code")
        parser.add_argument("--scope", action="append", required=True, choices=ApiScope.values)
        parser.add_argument("--name", default="")

    def handle(self, *args, org, scope, name, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"Không có tổ chức mã '{org}' / no organisation with code '{org}'")
        try:
            api_key, full_key = create_api_key(
                actor=None, organization=organization, name=name or f"{org} {'+'.join(scope)}",
                scopes=scope,
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Khóa API cho {organization} (phạm vi {', '.join(api_key.scopes)}). "
            "Lưu lại ngay: khóa chỉ hiển thị một lần. / Store it now: it is shown only once."
        )
        self.stdout.write(full_key)

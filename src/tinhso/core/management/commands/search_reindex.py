from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from tinhso.core import search


class Command(BaseCommand):
    help = ("Rebuild the search index of every searchable model, or of the models named "
            "(app_label.Model). Needed after QuerySet.update(), bulk_create() or loaddata.")

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", metavar="app_label.Model")

    def handle(self, *args, **options):
        specs = search.registered()
        if options["models"]:
            try:
                wanted = {apps.get_model(label) for label in options["models"]}
            except (LookupError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            specs = [spec for spec in specs if spec.model in wanted]
        for spec in specs:
            count = search.reindex(spec.model)
            self.stdout.write(f"{spec.model._meta.label}: {count}")

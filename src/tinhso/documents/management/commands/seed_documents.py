from django.core.management.base import BaseCommand

from tinhso.core.demo import DEMO_PASSWORD
from tinhso.documents.demo import seed_documents


class Command(BaseCommand):
    help = ("Sample official documents in every state, signed with the demo CA (on top of "
            "the demo agencies). Does nothing once the demo agencies have documents.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=120)

    def handle(self, *args, **options):
        count = max(1, min(options["count"], 5000))
        made = seed_documents(count=count, password=DEMO_PASSWORD)
        self.stdout.write(f"Văn bản mẫu / Sample documents: {made['outgoing']} đi / outgoing, "
                          f"{made['incoming']} đến / incoming")

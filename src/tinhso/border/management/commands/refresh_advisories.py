"""Recompute every gate's congestion level and publish advisories where it changed.

`tinhso scheduler` runs the same every 5 minutes (`border.tasks.refresh_advisories`); this
command refreshes now. Idempotent: an unchanged level publishes nothing and notifies nobody.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tinhso.border.services import refresh_advisories


class Command(BaseCommand):
    help = "Publish congestion advisories for the gates whose level changed."

    def handle(self, *args, **options):
        published = refresh_advisories()
        for advisory in published:
            self.stdout.write(f"{advisory.gate.code}: {advisory.level} "
                              f"(backlog {advisory.backlog}, wait "
                              f"{advisory.estimated_wait_hours} h)")
        self.stdout.write(f"{len(published)} advisory(ies) published.")

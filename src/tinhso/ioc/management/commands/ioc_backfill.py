"""Recompute the operations dashboard's figures for finished past periods
(`ioc.services.backfill`): after a source system's data was corrected or loaded late, or
to build the history of a new installation.

    tinhso ioc_backfill --from 2024-01 [--to 2026-10] [--indicator online_dossiers ...]

Idempotent: running it again writes the same figures into the same rows."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import InvalidInput
from tinhso.ioc import services


class Command(BaseCommand):
    help = "Recompute the dashboard's figures of past months (the province and each commune)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True,
                            help="first month, e.g. 2024-01")
        parser.add_argument("--to", dest="end", default=None,
                            help="last month (default: the last finished month)")
        parser.add_argument("--indicator", action="append", dest="codes", default=None,
                            help="an indicator's code (repeatable; default: every one)")

    def handle(self, *args, start, end, codes, **options):
        try:
            result = services.backfill(start=start, end=end, codes=codes)
        except InvalidInput as error:
            raise CommandError("; ".join(f"{e['field']}: {e['message_vi']} / "
                                         f"{e['message_en']}"
                                         for e in error.as_list())) from None
        for code, periods in result.periods.items():
            self.stdout.write(f"{code}: {len(periods)} period(s), {periods[0]} … {periods[-1]}")
        for code, why in result.skipped.items():
            self.stdout.write(f"{code}: left as it was ({why})")
        for item in result.unavailable:
            self.stderr.write(f"source unavailable: {item}")
        self.stdout.write(f"{result.figures} period figure(s) recomputed.")

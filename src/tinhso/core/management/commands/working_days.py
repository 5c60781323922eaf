"""`tinhso working_days --from 2026-06-01T09:00 --days 5`: the due moment the public
services would give something received then, with the calendar of this deployment
(national holidays, the admins' overrides, settings.WORKING_HOURS)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.selectors import working_calendar


class Command(BaseCommand):
    help = ("Print the due moment (ISO 8601) of a time limit in working days counted from a "
            "moment, as the one-stop desk computes it (after-hours rule, half days).")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True,
                            help="received at, local time: 2026-06-01T09:00 (or a date)")
        parser.add_argument("--days", required=True,
                            help="working days, in steps of 0.5 (e.g. 5, 0.5, 4.5)")
        parser.add_argument("--verbose-dates", action="store_true",
                            help="also print when the counting starts")

    def handle(self, *args, start, days, verbose_dates=False, **options):
        calendar = working_calendar()
        try:
            moment = datetime.fromisoformat(start)
        except ValueError as error:
            raise CommandError(f"--from {start!r}: expected YYYY-MM-DDTHH:MM") from error
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=calendar.tz)
        try:
            amount = Decimal(days)
        except InvalidOperation as error:
            raise CommandError(f"--days {days!r}: expected a number such as 5 or 4.5") from error
        if not amount.is_finite() or not 0 <= amount <= 3650 or amount * 2 % 1:
            raise CommandError(f"--days {days}: a multiple of 0.5 between 0 and 3650")
        if not 1900 < moment.year < 2200:
            raise CommandError(f"--from {start}: year out of range")
        due = calendar.add_working_time(moment, amount)
        if verbose_dates:
            self.stdout.write(f"counting from {calendar.counting_start(moment).isoformat()}")
        self.stdout.write(due.isoformat())

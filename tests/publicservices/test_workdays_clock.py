"""The working clock of core.workdays: half days, sessions, after hours, overrides, Tết."""

from datetime import date

import pytest
from django.core.management import call_command

from tests.publicservices.conftest import at
from tinhso.core.models import CalendarOverride
from tinhso.core.selectors import working_calendar
from tinhso.core.workdays import WorkingCalendar, WorkingHours, parse_working_hours

CAL = WorkingCalendar()


@pytest.mark.parametrize(("received", "half_days", "due"), [
    # Monday 09:00, 5 days (10 sessions): the next Monday at 09:00.
    (at(2026, 6, 1, 9, 0), 10, at(2026, 6, 8, 9, 0)),
    # Half a day from 09:00 (37.5 % into the morning): 37.5 % into the afternoon.
    (at(2026, 6, 1, 9, 0), 1, at(2026, 6, 1, 14, 48, 45)),
    # 4.5 days from Monday 09:00: the next Friday afternoon at the same share.
    (at(2026, 6, 1, 9, 0), 9, at(2026, 6, 5, 14, 48, 45)),
    # Received after hours (18:00): counted from Tuesday 07:30; 5 days end Monday 17:00.
    (at(2026, 6, 1, 18, 0), 10, at(2026, 6, 8, 17, 0)),
    # Received before opening: counted from 07:30; half a day ends at 11:30.
    (at(2026, 6, 1, 6, 0), 1, at(2026, 6, 1, 11, 30)),
    # Received in the lunch break: counted from 13:30; half a day ends at 17:00.
    (at(2026, 6, 1, 12, 15), 1, at(2026, 6, 1, 17, 0)),
    # Received on Saturday: counted from Monday; one day ends Monday 17:00.
    (at(2026, 6, 6, 10, 0), 2, at(2026, 6, 8, 17, 0)),
    # Across Tết 2027 (Thu 4/2 – Wed 10/2 off): Wed 3/2 09:00 + 2 days = Fri 12/2 09:00.
    (at(2027, 2, 3, 9, 0), 4, at(2027, 2, 12, 9, 0)),
    # Received on the Lunar New Year's Eve 2027: counted from Thursday 11/2.
    (at(2027, 2, 5, 10, 0), 2, at(2027, 2, 11, 17, 0)),
])
def test_due_moments(received, half_days, due):
    assert CAL.add_half_days(received, half_days) == due


def test_tet_2027_is_known():
    assert [d for d in (date(2027, 2, n) for n in range(3, 12)) if not CAL.is_working_day(d)] \
        == [date(2027, 2, n) for n in (4, 5, 6, 7, 8, 9, 10)]


def test_working_time_in_halves_only():
    assert CAL.add_working_time(at(2026, 6, 1, 9, 0), "4.5") == at(2026, 6, 5, 14, 48, 45)
    with pytest.raises(ValueError, match="half days"):
        CAL.add_working_time(at(2026, 6, 1, 9, 0), "0.3")


def test_a_swapped_saturday_is_a_working_day_with_two_sessions():
    cal = WorkingCalendar({date(2026, 6, 6): True})
    # Friday 15:00 + 1 day: Saturday 6/6 is worked, so Saturday 15:00.
    assert cal.add_half_days(at(2026, 6, 5, 15, 0), 2) == at(2026, 6, 6, 15, 0)
    assert CAL.add_half_days(at(2026, 6, 5, 15, 0), 2) == at(2026, 6, 8, 15, 0)


def test_an_extra_day_off_moves_the_due_date():
    cal = WorkingCalendar({date(2026, 6, 3): False})
    assert cal.add_half_days(at(2026, 6, 1, 9, 0), 10) == at(2026, 6, 9, 9, 0)


def test_resume_keeps_the_time_left():
    # Due Monday 8/6 09:00; paused Wednesday 3/6 09:00 (3 days left);
    # supplied Wednesday 10/6 15:00: due Monday 15/6 15:00.
    assert CAL.resume(at(2026, 6, 8, 9, 0), at(2026, 6, 3, 9, 0), at(2026, 6, 10, 15, 0)) \
        == at(2026, 6, 15, 15, 0)
    # Supplied after hours: the remaining time counts from the next morning.
    assert CAL.resume(at(2026, 6, 8, 9, 0), at(2026, 6, 3, 9, 0), at(2026, 6, 10, 19, 0)) \
        == at(2026, 6, 15, 17, 0)
    assert CAL.half_days_between(at(2026, 6, 3, 9, 0), at(2026, 6, 8, 9, 0)) == 6


def test_timeliness():
    due = at(2026, 6, 8, 9, 0)
    assert CAL.timeliness(at(2026, 6, 5, 16, 0), due) == "early"
    assert CAL.timeliness(at(2026, 6, 8, 8, 0), due) == "on_time"
    assert CAL.timeliness(at(2026, 6, 8, 9, 0), due) == "on_time"
    assert CAL.timeliness(at(2026, 6, 8, 9, 1), due) == "late"


def test_working_hours_are_configuration():
    hours = parse_working_hours("07:00-11:30,13:30-17:00")
    assert hours == WorkingHours(*(parse_working_hours("07:00-11:30,13:30-17:00").__dict__
                                   .values()))
    cal = WorkingCalendar(hours=hours)
    assert cal.counting_start(at(2026, 6, 1, 6, 0)) == at(2026, 6, 1, 7, 0)
    for bad in ("", "7-11", "11:30-07:30,13:30-17:00", "07:30-11:30,11:00-17:00"):
        with pytest.raises(ValueError, match="working hours"):
            parse_working_hours(bad)


def test_the_index_extends_both_ways_without_duplicates():
    cal = WorkingCalendar()
    assert cal.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert cal.add_working_days(date(2045, 3, 1), 1) == date(2045, 3, 2)
    assert cal.add_working_days(date(2005, 3, 1), -1) == date(2005, 2, 28)
    assert len(cal._days) == len(set(cal._days))
    assert cal._days == sorted(cal._days)


@pytest.mark.django_db
def test_database_overrides_feed_the_calendar(settings):
    CalendarOverride.objects.create(date=date(2026, 6, 6), is_working_day=True,
                                    reason="Làm bù")
    settings.WORKING_HOURS = "08:00-12:00,13:00-17:00"
    cal = working_calendar()
    assert cal.is_working_day(date(2026, 6, 6))
    assert cal.counting_start(at(2026, 6, 6, 7, 0)) == at(2026, 6, 6, 8, 0)


@pytest.mark.django_db
def test_working_days_command(capsys):
    call_command("working_days", "--from", "2026-06-01T09:00", "--days", "5")
    assert capsys.readouterr().out.strip() == "2026-06-08T09:00:00+07:00"
    CalendarOverride.objects.create(date=date(2026, 6, 6), is_working_day=True,
                                    reason="Làm bù")
    call_command("working_days", "--from", "2026-06-05T18:00", "--days", "0.5")
    assert capsys.readouterr().out.strip() == "2026-06-06T11:30:00+07:00"


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--days", "x"], ["--days", "0.3"], ["--days", "-1"],
                                  ["--days", "nan"], ["--from", "tomorrow"]])
def test_working_days_command_refuses_bad_input(args):
    from django.core.management.base import CommandError

    base = {"--from": "2026-06-01T09:00", "--days": "5"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError):
        call_command("working_days", *[x for kv in base.items() for x in kv])

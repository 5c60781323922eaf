from datetime import UTC, datetime, timedelta

from tinhso.border.queueing import QueueEntry, call_order

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)


def entry(key, minutes, slot_hour=None, perishable=False):
    slot = T0 + timedelta(hours=slot_hour) if slot_hour is not None else None
    return QueueEntry(key, T0 + timedelta(minutes=minutes), slot, perishable)


def test_booked_trucks_go_before_walk_ins_in_slot_then_arrival_order():
    entries = [entry(1, 0), entry(2, 5, slot_hour=2), entry(3, 1, slot_hour=1), entry(4, 2)]
    assert [e.key for e in call_order(entries, 0)] == [3, 2, 1, 4]


def test_perishables_interleave_after_n_others_and_keep_fifo_within_class():
    others = [entry(k, k) for k in range(1, 6)]
    fruit = [entry(k, k) for k in range(10, 13)]
    for e in fruit:
        object.__setattr__(e, "perishable", True)
    order = [e.key for e in call_order(others + fruit, 2)]
    assert order == [1, 2, 10, 3, 4, 11, 5, 12]
    assert [k for k in order if k >= 10] == [10, 11, 12]

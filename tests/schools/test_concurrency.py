"""Two devices of one teacher saving the same cells at once (PostgreSQL row locks): every
save lands in the history, each change starts from the previous one's value, and the cell
holds the last one — no lost write."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from tinhso.schools import services
from tinhso.schools.models import GradeChange, Score

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_saves_of_the_same_cells_lose_nothing(world):
    pupils = world.pupils[:2]
    maths, term = world.subjects["toan"], world.terms[1]
    barrier = threading.Barrier(4)
    failures = []

    def device(n):
        try:
            barrier.wait()
            for i in range(15):
                services.save_score(actor=world.ha, student=pupils[i % 2], subject=maths,
                                    term=term, slot="tx1", raw=f"{(n * 15 + i) % 100 / 10}",
                                    now=timezone.now())
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=device, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    for pupil in pupils:
        changes = list(GradeChange.objects.filter(student=pupil).order_by("id"))
        assert changes and changes[0].before == ""
        for previous, change in zip(changes, changes[1:], strict=False):
            assert change.before == previous.after
        score = Score.objects.get(student=pupil, subject=maths, term=term, slot="tx1")
        assert score.display() == changes[-1].after
        assert score.version == len(changes)

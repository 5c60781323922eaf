"""core.sequences: gapless, never reused, a rolled-back write gives its number back."""

import pytest
from django.db import transaction

from tests.publicservices.conftest import APPLICANT, all_at_once, at
from tinhso.core.sequences import current_number, next_number
from tinhso.publicservices import services
from tinhso.publicservices.models import Dossier


@pytest.mark.django_db
def test_numbers_per_scope_and_period():
    with transaction.atomic():
        assert [next_number("receipt:a", "2026") for _ in range(3)] == [1, 2, 3]
        assert next_number("receipt:a", "2027") == 1
        assert next_number("receipt:b", "2026") == 1
    assert current_number("receipt:a", "2026") == 3


@pytest.mark.django_db
def test_a_rolled_back_write_consumes_nothing():
    class Boom(Exception):
        pass

    def failing_write():
        with transaction.atomic():
            next_number("doc", "2026")
            raise Boom

    with pytest.raises(Boom):
        failing_write()
    with transaction.atomic():
        assert next_number("doc", "2026") == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="atomic"):
        next_number("doc", "2026")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_never_reused_never_skipped():
    def take(i):
        with transaction.atomic():
            number = next_number("race", "2026")
            if i % 5 == 0:
                raise RuntimeError("this write fails: its number goes back")
            return number

    results, errors = all_at_once(take, list(range(20)))
    assert len(errors) == 4
    assert sorted(results) == list(range(1, 17))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_desk_receptions_get_consecutive_codes():
    from tests.publicservices.conftest import Office, make_procedure

    office = Office("H20.01")
    procedure = make_procedure()

    def receive(i):
        return services.receive_at_desk(actor=office.desk, procedure=procedure,
                                        agency=office.agency, applicant=APPLICANT,
                                        now=at(2026, 11, 30, 9, 0)).code

    codes, errors = all_at_once(receive, list(range(12)))
    assert errors == []
    assert sorted(codes) == [f"H20.01-261130-01{n:04d}" for n in range(1, 13)]
    assert Dossier.objects.count() == 12

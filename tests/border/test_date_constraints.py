"""Stored moments stay in the window the edge accepts: the database refuses the rest, and
the migration that added the constraints reports and repairs rows stored before."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.factories import DeclarationFactory
from tinhso.border.models import Declaration, GateNotice

BEFORE = [("border", "0006_fold_plate_keys")]
AFTER = [("border", "0007_moments_in_window")]
YEAR_ONE = datetime(1, 1, 1, 12, tzinfo=UTC)


def test_database_refuses_a_year_one_moment(border):
    truck = DeclarationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Declaration.objects.filter(pk=truck.pk).update(loaded_at=YEAR_ONE)


@pytest.mark.django_db(transaction=True)
def test_migration_reports_repairs_and_names_what_it_cannot_repair(border, capsys):
    truck = DeclarationFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        Declaration.objects.filter(pk=truck.pk).update(loaded_at=YEAR_ONE)
        notice = GateNotice.objects.create(
            gate=border, kind="suspension", starts_at=datetime(2026, 12, 5, tzinfo=UTC),
            ends_at=datetime(9999, 12, 31, tzinfo=UTC), reason_vi="x")
        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError, match=f"GateNotice #{notice.pk}: ends_at"):
            executor.migrate(AFTER)
        GateNotice.objects.filter(pk=notice.pk).update(ends_at=datetime(2026, 12, 6, tzinfo=UTC))
    finally:
        MigrationExecutor(connection).migrate(AFTER)
    printed = capsys.readouterr().out
    assert f"Declaration #{truck.pk}: loaded_at" in printed and "set to NULL" in printed
    truck.refresh_from_db()
    assert truck.loaded_at is None

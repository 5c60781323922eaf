import threading
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from tests.conftest import VIETNAM
from tests.factories import OrganizationFactory, user_with_role
from tinhso.accounts.models import OrganizationKind, Role
from tinhso.publicservices.catalogue_format import Step
from tinhso.publicservices.models import Agency, Level, Procedure, ProcedureStep


def at(*args) -> datetime:
    """A Vietnam-time moment: at(2026, 6, 1, 9, 0)."""
    return datetime(*args, tzinfo=VIETNAM)


class Office:
    """An agency with one officer per role."""

    def __init__(self, code: str, level: str = Level.COMMUNE):
        self.org = OrganizationFactory(code=f"org-{code.lower()}", name=f"UBND {code}",
                                       kind=OrganizationKind.STATE_AGENCY)
        self.agency = Agency.objects.create(code=code, name=f"UBND {code}", level=level,
                                            organization=self.org)
        self.desk = user_with_role(Role.ONE_STOP_OFFICER, self.org)
        self.specialist = user_with_role(Role.SPECIALIST, self.org)
        self.head = user_with_role(Role.HEAD_OF_UNIT, self.org)
        self.leader = user_with_role(Role.AGENCY_LEADER, self.org)


@pytest.fixture
def office(db):
    return Office("H20.51")


@pytest.fixture
def other_office(db):
    return Office("H20.52")


def make_procedure(code="MAU.T01", days="5", level=Level.COMMUNE,
                   steps=((("reception", 1), ("assignment", 1), ("appraisal", 6),
                           ("review", 1), ("approval", 1))),
                   fee=0) -> Procedure:
    procedure = Procedure.objects.create(code=code, name="Thủ tục thử", field="Hộ tịch",
                                         level=level, processing_days=Decimal(days),
                                         fee_vnd=fee)
    for order, (kind, half) in enumerate(steps, start=1):
        ProcedureStep.objects.create(procedure=procedure, order=order, kind=kind,
                                     name=Step(kind, kind, half).name, half_days=half)
    return procedure


@pytest.fixture
def procedure(db):
    return make_procedure()


APPLICANT = {"name": "Nguyễn Thị Lan", "id_number": "020190000123", "phone": "0912345678"}


def all_at_once(work, items) -> list:
    """``work(item)`` for every item, each in its own thread and connection, released
    together (what PostgreSQL's row locks must serialise)."""
    barrier = threading.Barrier(len(items))
    results, errors = [], []

    def run(item):
        close_old_connections()
        try:
            barrier.wait()
            results.append(work(item))
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors

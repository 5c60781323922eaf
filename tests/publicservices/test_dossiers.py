"""Reception, steps, the legal clock with pauses, extension, result, access."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import user_with_role
from tests.publicservices.conftest import APPLICANT, at, make_procedure
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.core.models import AuditEntry, CalendarOverride
from tinhso.publicservices import services
from tinhso.publicservices.models import (
    Channel,
    Dossier,
    DossierState,
    ExtensionLetter,
    SupplementRequest,
)

S = DossierState
pytestmark = pytest.mark.django_db


def received(office, procedure, moment, **kwargs):
    return services.receive_at_desk(actor=office.desk, procedure=procedure,
                                    agency=office.agency, applicant=APPLICANT, now=moment,
                                    **kwargs)


def test_dossier_code_format_is_one_function():
    assert services.dossier_code("H20.01", date(2026, 11, 30), 42) == "H20.01-261130-010042"
    assert services.dossier_code("H20.01", date(2026, 11, 30), 12345) == "H20.01-261130-0112345"
    assert services.DOSSIER_CODE_RE.match("H20.01-261130-010042")


def test_desk_reception_gives_code_appointment_and_first_step(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    assert dossier.state == S.PROCESSING
    assert dossier.code == "H20.51-260601-010001"
    assert dossier.appointment_at == dossier.due_at == at(2026, 6, 8, 9, 0)
    step = dossier.current_step
    assert (step.order, step.kind, step.assignee, step.due_at) == (
        1, "reception", office.desk, at(2026, 6, 1, 14, 48, 45))
    second = received(office, procedure, at(2026, 6, 1, 10, 0))
    assert second.code == "H20.51-260601-010002"
    assert list(dossier.history.values_list("to_state", flat=True)) == [S.SUBMITTED,
                                                                        S.PROCESSING]
    assert AuditEntry.objects.filter(action="dossier.processing",
                                     object_id=str(dossier.pk)).exists()


def test_after_hours_on_friday_across_a_weekend(office, procedure):
    # Friday 5/6/2026 17:45: counted from Monday 8/6; 5 days end Friday 12/6 17:00.
    dossier = received(office, procedure, at(2026, 6, 5, 17, 45))
    assert dossier.appointment_at == at(2026, 6, 12, 17, 0)
    assert dossier.code.startswith("H20.51-260605-")  # the code is the day it arrived


def test_deadline_across_tet_2027(office):
    procedure = make_procedure(code="MAU.T15", days="15")
    # Monday 1/2/2027 09:00, 15 days: 2/2, 3/2, (Tết 4/2–10/2 off), 11/2 … 26/2 is the
    # 14th working day, so the 15th is Monday 1/3 09:00 (without Tết: Monday 22/2).
    dossier = received(office, procedure, at(2027, 2, 1, 9, 0))
    assert dossier.appointment_at == at(2027, 3, 1, 9, 0)


def test_swapped_saturday_override_shortens_the_wait(office, procedure):
    CalendarOverride.objects.create(date=date(2026, 6, 6), is_working_day=True,
                                    reason="Làm bù thứ Bảy")
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    assert dossier.appointment_at == at(2026, 6, 6, 9, 0)


def test_portal_dossier_keeps_its_code_and_online_waits_for_the_desk(office, procedure):
    portal = services.submit_dossier(actor=None, procedure=procedure, agency=office.agency,
                                     channel=Channel.PORTAL, applicant=APPLICANT,
                                     code="H20.51-260601-019999", external_id="NP-1")
    services.accept_dossier(actor=office.desk, dossier=portal, now=at(2026, 6, 1, 9, 0))
    portal.refresh_from_db()
    assert portal.code == "H20.51-260601-019999"
    with pytest.raises(DomainError) as taken:
        services.submit_dossier(actor=None, procedure=procedure, agency=office.agency,
                                channel=Channel.PORTAL, applicant=APPLICANT,
                                code="H20.51-260601-019999")
    assert taken.value.code == "publicservices.code_taken"
    with pytest.raises(DomainError, match="format"):
        services.submit_dossier(actor=None, procedure=procedure, agency=office.agency,
                                channel=Channel.PORTAL, applicant=APPLICANT, code="abc")


def test_ask_for_more_before_reception_then_accept(office, procedure):
    citizen = user_with_role(Role.CITIZEN)
    dossier = services.submit_dossier(actor=citizen, procedure=procedure,
                                      agency=office.agency, channel=Channel.ONLINE,
                                      applicant=APPLICANT, now=at(2026, 6, 1, 8, 0))
    services.request_completion(actor=office.desk, dossier=dossier,
                                missing="Giấy chứng sinh\n", now=at(2026, 6, 1, 9, 0))
    dossier.refresh_from_db()
    assert (dossier.state, dossier.code, dossier.due_at) == (S.INCOMPLETE, None, None)
    services.resubmit_dossier(actor=citizen, dossier=dossier, now=at(2026, 6, 2, 9, 0))
    services.accept_dossier(actor=office.desk, dossier=dossier, now=at(2026, 6, 2, 10, 0))
    dossier.refresh_from_db()
    assert dossier.state == S.PROCESSING
    assert dossier.code == "H20.51-260602-010001"  # no number was spent on 1/6
    assert not SupplementRequest.objects.filter(supplied_at__isnull=True).exists()


def test_missing_list_is_required(office, procedure):
    dossier = services.submit_dossier(actor=None, procedure=procedure, agency=office.agency,
                                      channel=Channel.ONLINE, applicant=APPLICANT)
    with pytest.raises(DomainError) as error:
        services.request_completion(actor=office.desk, dossier=dossier, missing=" \n ")
    assert error.value.field == "missing"
    dossier.refresh_from_db()
    assert dossier.state == S.SUBMITTED


def walk_to(office, dossier, kind, moment):
    """Hand the dossier over step by step until the current step is ``kind``."""
    while Dossier.objects.get(pk=dossier.pk).current_step.kind != kind:
        services.hand_over(actor=office.head, dossier=dossier, assignee=office.specialist,
                           now=moment)


def test_supplement_pauses_at_two_steps_and_resumes_with_the_time_left(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))  # due Mon 8/6 09:00
    walk_to(office, dossier, "assignment", at(2026, 6, 1, 10, 0))
    # Pause 1 at the assignment step, Tue 2/6 09:00 (4 days left) …
    services.request_supplement(actor=office.head, dossier=dossier, missing=["Bản vẽ"],
                                now=at(2026, 6, 2, 9, 0))
    dossier.refresh_from_db()
    assert (dossier.state, dossier.paused_at) == (S.SUPPLEMENT, at(2026, 6, 2, 9, 0))
    with pytest.raises(DomainError):  # no hand-over while paused
        services.hand_over(actor=office.head, dossier=dossier, now=at(2026, 6, 3, 9, 0))
    # … supplied Thu 4/6 09:00: due Wed 10/6 09:00.
    services.supply_supplement(actor=office.desk, dossier=dossier, now=at(2026, 6, 4, 9, 0))
    dossier.refresh_from_db()
    assert (dossier.state, dossier.due_at) == (S.PROCESSING, at(2026, 6, 10, 9, 0))
    assert dossier.appointment_at == at(2026, 6, 8, 9, 0)  # the receipt's promise stays
    walk_to(office, dossier, "appraisal", at(2026, 6, 4, 10, 0))
    appraisal = Dossier.objects.get(pk=dossier.pk).current_step
    # Pause 2 at the appraisal step, Fri 5/6 09:00 (3 days left), supplied after hours on
    # Mon 8/6: counted from Tue 9/6 07:30, due Thu 11/6 17:00.
    services.request_supplement(actor=office.specialist, dossier=dossier,
                                missing=["Giấy tờ đất"], now=at(2026, 6, 5, 9, 0))
    services.supply_supplement(actor=office.desk, dossier=dossier, now=at(2026, 6, 8, 18, 0))
    dossier.refresh_from_db()
    assert dossier.due_at == at(2026, 6, 11, 17, 0)
    assert dossier.pause_count == 2
    appraisal.refresh_from_db()
    # The step's own due moment moved by the same pause (6 sessions from Thu 10:00 = Mon
    # 8/6 10:00; 1 day 1 h… left at the pause, resumed Tue 9/6 07:30).
    assert appraisal.due_at == at(2026, 6, 10, 17, 0) or appraisal.due_at > at(2026, 6, 8, 10)
    assert [r.step.kind for r in SupplementRequest.objects.order_by("requested_at")] == [
        "assignment", "appraisal"]
    walk_to(office, dossier, "approval", at(2026, 6, 11, 9, 0))
    services.resolve_dossier(actor=office.leader, dossier=dossier, now=at(2026, 6, 11, 16, 0))
    dossier.refresh_from_db()
    assert (dossier.state, dossier.outcome) == (S.RESOLVED, "on_time")
    assert dossier.steps.filter(finished_at__isnull=True).count() == 0
    services.return_result(actor=office.desk, dossier=dossier, now=at(2026, 6, 12, 9, 0))
    dossier.refresh_from_db()
    assert dossier.state == S.RETURNED


def test_late_without_pause(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    services.resolve_dossier(actor=office.leader, dossier=dossier, now=at(2026, 6, 8, 9, 1))
    dossier.refresh_from_db()
    assert dossier.outcome == "late"


def test_step_lines_are_judged(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    services.hand_over(actor=office.desk, dossier=dossier, now=at(2026, 6, 1, 9, 30))
    services.hand_over(actor=office.head, dossier=dossier, assignee=office.specialist,
                       now=at(2026, 6, 2, 9, 0))
    first, second, third = dossier.steps.order_by("order")
    assert (first.outcome, second.outcome) == ("on_time", "late")
    assert (third.kind, third.assignee, third.handed_over_by) == (
        "appraisal", office.specialist, office.head)


def test_only_the_assignee_or_the_head_moves_a_step(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    walk_to(office, dossier, "appraisal", at(2026, 6, 1, 10, 0))
    other_specialist = user_with_role(Role.SPECIALIST, office.org)
    with pytest.raises(DomainError) as error:
        services.hand_over(actor=other_specialist, dossier=dossier, now=at(2026, 6, 1, 11, 0))
    assert error.value.code == "publicservices.not_assignee"
    with pytest.raises(PermissionDenied):
        services.assign_dossier(actor=office.specialist, dossier=dossier,
                                assignee=other_specialist)
    services.assign_dossier(actor=office.head, dossier=dossier, assignee=other_specialist)
    services.hand_over(actor=other_specialist, dossier=dossier, now=at(2026, 6, 1, 11, 0))


def test_the_last_step_is_closed_by_approval_only(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    walk_to(office, dossier, "approval", at(2026, 6, 1, 10, 0))
    with pytest.raises(DomainError):
        services.hand_over(actor=office.leader, dossier=dossier)
    with pytest.raises(PermissionDenied):
        services.resolve_dossier(actor=office.head, dossier=dossier)
    assert Dossier.objects.get(pk=dossier.pk).state == S.PROCESSING


def test_overdue_warning_then_apology_once_and_still_late(office, procedure, clock):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))  # due Mon 8/6 09:00
    services.hand_over(actor=office.desk, dossier=dossier, now=at(2026, 6, 1, 9, 30))
    services.assign_dossier(actor=office.head, dossier=dossier, assignee=office.specialist)
    # Thursday 4/6 noon: not yet within one working day of the due moment.
    assert services.warn_due_dossiers(now=at(2026, 6, 4, 12, 0)) == {"due_soon": 0,
                                                                     "overdue": 0}
    # Friday 5/6 09:00: one working day left → warned once.
    assert services.warn_due_dossiers(now=at(2026, 6, 5, 9, 0))["due_soon"] == 1
    assert services.warn_due_dossiers(now=at(2026, 6, 5, 10, 0))["due_soon"] == 0
    # The head apologises on Friday (one working day before Monday): new date Wed 10/6.
    letter = services.issue_extension(actor=office.head, dossier=dossier,
                                      new_due=date(2026, 6, 10), reason="Chờ ý kiến Sở",
                                      now=at(2026, 6, 5, 10, 0))
    assert (letter.original_due_at, letter.new_due_at) == (at(2026, 6, 8, 9, 0),
                                                           at(2026, 6, 10, 17, 0))
    with pytest.raises(DomainError) as once:
        services.issue_extension(actor=office.head, dossier=dossier,
                                 new_due=date(2026, 6, 12), reason="Lần hai",
                                 now=at(2026, 6, 5, 11, 0))
    assert once.value.code == "publicservices.extension_used"
    assert ExtensionLetter.objects.count() == 1
    # Overdue against the new date only after it (the warning follows the promise).
    assert services.warn_due_dossiers(now=at(2026, 6, 9, 9, 0))["overdue"] == 0
    assert services.warn_due_dossiers(now=at(2026, 6, 11, 9, 0))["overdue"] == 1
    services.resolve_dossier(actor=office.leader, dossier=dossier, now=at(2026, 6, 10, 9, 0))
    dossier.refresh_from_db()
    assert dossier.outcome == "late"  # an apology never makes a dossier on time


def test_apology_must_come_one_working_day_before(office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))  # due Mon 8/6 09:00
    for now in (at(2026, 6, 8, 8, 0), at(2026, 6, 6, 10, 0)):  # the due day; Saturday
        with pytest.raises(DomainError) as late:
            services.issue_extension(actor=office.head, dossier=dossier,
                                     new_due=date(2026, 6, 10), reason="Chậm", now=now)
        assert late.value.code == "publicservices.extension_too_late"
    for new_due in (date(2026, 6, 8), date(2026, 6, 13)):  # not later; a Saturday
        with pytest.raises(DomainError) as bad:
            services.issue_extension(actor=office.head, dossier=dossier, new_due=new_due,
                                     reason="Chậm", now=at(2026, 6, 4, 9, 0))
        assert bad.value.field == "new_due"
    with pytest.raises(PermissionDenied):
        services.issue_extension(actor=office.specialist, dossier=dossier,
                                 new_due=date(2026, 6, 10), reason="Chậm",
                                 now=at(2026, 6, 4, 9, 0))
    assert not Dossier.objects.get(pk=dossier.pk).extension_used


def test_refusal_and_withdrawal(office, procedure):
    citizen = user_with_role(Role.CITIZEN)
    dossier = services.submit_dossier(actor=citizen, procedure=procedure,
                                      agency=office.agency, channel=Channel.ONLINE,
                                      applicant=APPLICANT)
    with pytest.raises(DomainError) as no_note:
        services.refuse_dossier(actor=office.desk, dossier=dossier, reason="other")
    assert no_note.value.field == "note"
    services.refuse_dossier(actor=office.desk, dossier=dossier, reason="wrong_agency")
    dossier.refresh_from_db()
    assert (dossier.state, dossier.refusal_reason) == (S.REFUSED, "wrong_agency")
    with pytest.raises(DomainError):
        services.withdraw_dossier(actor=citizen, dossier=dossier)

    second = services.submit_dossier(actor=citizen, procedure=procedure,
                                     agency=office.agency, channel=Channel.ONLINE,
                                     applicant=APPLICANT, now=at(2026, 6, 1, 8, 0))
    services.accept_dossier(actor=office.desk, dossier=second, now=at(2026, 6, 1, 9, 0))
    services.withdraw_dossier(actor=citizen, dossier=second, note="Không cần nữa",
                              now=at(2026, 6, 2, 9, 0))
    second.refresh_from_db()
    assert (second.state, second.assignee) == (S.WITHDRAWN, None)
    assert second.steps.get(order=1).finished_at == at(2026, 6, 2, 9, 0)


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (S.DRAFT, S.SUBMITTED, True), (S.SUBMITTED, S.PROCESSING, True),
    (S.SUBMITTED, S.RESOLVED, False), (S.PROCESSING, S.RETURNED, False),
    (S.SUPPLEMENT, S.RESOLVED, False), (S.RESOLVED, S.RETURNED, True),
    (S.RETURNED, S.PROCESSING, False), (S.REFUSED, S.SUBMITTED, False),
    (S.WITHDRAWN, S.PROCESSING, False), (S.INCOMPLETE, S.SUBMITTED, True),
])
def test_transition_table(office, procedure, current, target, allowed):
    dossier = Dossier.objects.create(procedure=procedure, agency=office.agency,
                                     receiving_agency=office.agency, channel=Channel.DESK,
                                     applicant_name="A", state=current)
    if allowed:
        services.transition(dossier, target, actor=office.desk)
        assert Dossier.objects.get(pk=dossier.pk).state == target
    else:
        with pytest.raises(DomainError) as error:
            services.transition(dossier, target, actor=office.desk)
        assert error.value.status == 409
        assert Dossier.objects.get(pk=dossier.pk).state == current


def test_transfer_keeps_one_clock_and_moves_access(office, other_office, procedure):
    dossier = received(office, procedure, at(2026, 6, 1, 9, 0))
    due = dossier.due_at
    services.transfer_dossier(actor=office.desk, dossier=dossier, to_agency=other_office.agency,
                              note="Thuộc thẩm quyền xã bên", now=at(2026, 6, 1, 10, 0))
    dossier.refresh_from_db()
    assert (dossier.agency, dossier.receiving_agency, dossier.due_at) == (
        other_office.agency, office.agency, due)
    assert dossier.current_step.agency == other_office.agency
    services.hand_over(actor=other_office.head, dossier=dossier, assignee=other_office.specialist,
                       now=at(2026, 6, 1, 11, 0))
    with pytest.raises(PermissionDenied):  # no longer the first agency's to process…
        services.assign_dossier(actor=office.head, dossier=dossier, assignee=office.specialist)
    # … but its desk still sees it (it returns the result).
    assert Dossier.objects.visible_to(office.desk).filter(pk=dossier.pk).exists()


@pytest.mark.parametrize("who", ["anonymous", "other_agency_desk", "other_agency_head",
                                 "citizen_not_applicant"])
def test_another_agency_gets_404_and_nothing_changes(office, other_office, procedure, who):
    from django.contrib.auth.models import AnonymousUser

    dossier = services.submit_dossier(actor=None, procedure=procedure, agency=office.agency,
                                      channel=Channel.ONLINE, applicant=APPLICANT)
    actor = {"anonymous": AnonymousUser(), "other_agency_desk": other_office.desk,
             "other_agency_head": other_office.head,
             "citizen_not_applicant": user_with_role(Role.CITIZEN)}[who]
    with pytest.raises(Http404):
        services.accept_dossier(actor=actor, dossier=dossier)
    with pytest.raises(Http404):
        services.refuse_dossier(actor=actor, dossier=dossier, reason="wrong_agency")
    assert not Dossier.objects.visible_to(actor).exists()
    dossier.refresh_from_db()
    assert (dossier.state, dossier.code) == (S.SUBMITTED, None)


def test_wrong_role_in_the_right_agency_is_refused(office, procedure):
    dossier = services.submit_dossier(actor=None, procedure=procedure, agency=office.agency,
                                      channel=Channel.ONLINE, applicant=APPLICANT)
    with pytest.raises(PermissionDenied):
        services.accept_dossier(actor=office.specialist, dossier=dossier)
    assert Dossier.objects.get(pk=dossier.pk).state == S.SUBMITTED


def test_agency_level_must_match(office):
    province_procedure = make_procedure(code="MAU.P01", level="province")
    with pytest.raises(DomainError) as error:
        received(office, province_procedure, at(2026, 6, 1, 9, 0))
    assert error.value.field == "agency"
    assert not Dossier.objects.exists()


def test_warning_task_runs_through_the_task_backend(office, procedure):
    from tinhso.publicservices.tasks import warn_due_dossiers

    received(office, procedure, at(2026, 6, 1, 9, 0))
    with time_machine.travel(at(2026, 6, 9, 9, 0), tick=False):
        result = warn_due_dossiers.enqueue()
    assert result.return_value == {"due_soon": 0, "overdue": 1}

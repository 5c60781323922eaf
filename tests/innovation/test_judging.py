"""Fair judging: conflicts of interest hide an application from a judge, scores are
bounded and every change audited, results wait for every expected score."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.innovation.conftest import published_profile, upload
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.innovation import selectors, services
from tinhso.innovation.models import Application, Call, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications(founder, other_founder, officer, call, commune, other_commune, deadline):
    a = published_profile(founder, officer, commune)
    b = published_profile(other_founder, officer, other_commune, name="Trà hoa vàng")
    out = []
    for who, profile in ((founder, a), (other_founder, b)):
        out.append(services.submit_application(
            actor=who, call=call, profile=profile, uploads={0: upload()},
            data=services.ApplicationInput(f"Dự án {profile.name}", "Tóm tắt", 0),
            now=deadline - timedelta(days=1)))
    return out


@pytest.fixture
def after(deadline):
    return deadline + timedelta(hours=1)


def sheet(call: Call, *values, comment=""):
    return [services.ScoreInput(c.pk, v, comment) for c, v in zip(call.criteria.all(), values,
                                                                 strict=True)]


def test_a_conflicted_judge_neither_sees_nor_scores_the_application(
        officer, judges, applications, call, after):
    first, _second = applications
    one, two, _three = judges
    services.assign_judges(actor=officer, application=first, judges=[one, two], now=after)
    assignment = first.assignments.get(judge=one)
    # Before declaring: the cover only (the application is not in what the judge sees).
    assert first not in Application.objects.visible_to(one)
    with pytest.raises(DomainError) as error:
        services.score_application(actor=one, assignment=assignment, scores=sheet(call, 5, 5),
                                   now=after)
    assert error.value.code == "innovation.not_declared"
    services.declare_interest(actor=one, assignment=assignment, conflict=True,
                              note="Người thân của sáng lập viên", now=after)
    assert first not in Application.objects.visible_to(one)
    with pytest.raises(DomainError) as error:
        services.score_application(actor=one, assignment=assignment, scores=sheet(call, 5, 5),
                                   now=after)
    assert error.value.status == 404
    with pytest.raises(DomainError):  # the declaration cannot be taken back
        services.declare_interest(actor=one, assignment=assignment, conflict=False, now=after)
    assert not Score.objects.exists()
    # The other judge declares none, sees it and scores.
    other = first.assignments.get(judge=two)
    services.declare_interest(actor=two, assignment=other, conflict=False, now=after)
    assert first in Application.objects.visible_to(two)
    services.score_application(actor=two, assignment=other, scores=sheet(call, 8, 7), now=after)
    assert Score.objects.count() == 2


def test_a_conflict_needs_a_note_and_the_judge_must_be_the_assigned_one(
        officer, judges, applications, after):
    first, _ = applications
    services.assign_judges(actor=officer, application=first, judges=[judges[0]], now=after)
    assignment = first.assignments.get()
    with pytest.raises(InvalidInput):
        services.declare_interest(actor=judges[0], assignment=assignment, conflict=True,
                                  note="", now=after)
    from django.core.exceptions import ObjectDoesNotExist

    with pytest.raises(ObjectDoesNotExist):
        services.declare_interest(actor=judges[1], assignment=assignment, conflict=False,
                                  now=after)


def test_founders_see_their_own_applications_only(founder, other_founder, applications):
    first, second = applications
    assert list(Application.objects.visible_to(founder)) == [first]
    assert list(Application.objects.visible_to(other_founder)) == [second]


def test_scores_are_bounded_complete_and_wait_for_the_deadline(
        officer, judges, applications, call, deadline, after):
    first, _ = applications
    services.assign_judges(actor=officer, application=first, judges=[judges[0]], now=after)
    assignment = first.assignments.get()
    services.declare_interest(actor=judges[0], assignment=assignment, conflict=False, now=after)
    with pytest.raises(DomainError) as error:  # before the deadline: applications may change
        services.score_application(actor=judges[0], assignment=assignment,
                                   scores=sheet(call, 5, 5), now=deadline - timedelta(seconds=1))
    assert error.value.code == "innovation.judging_not_started"
    with pytest.raises(InvalidInput) as error:
        services.score_application(actor=judges[0], assignment=assignment,
                                   scores=sheet(call, 11, "x"), now=after)
    assert [e.code for e in error.value.errors] == ["innovation.score_range"] * 2
    assert "0 đến 10" in error.value.errors[0].message("vi")
    with pytest.raises(InvalidInput):
        services.score_application(actor=judges[0], assignment=assignment,
                                   scores=sheet(call, 5, 5)[:1], now=after)
    assert not Score.objects.exists()


def test_every_score_change_is_audited_with_old_and_new_values(
        officer, judges, applications, call, after):
    first, _ = applications
    services.assign_judges(actor=officer, application=first, judges=[judges[0]], now=after)
    assignment = first.assignments.get()
    services.declare_interest(actor=judges[0], assignment=assignment, conflict=False, now=after)
    services.score_application(actor=judges[0], assignment=assignment, scores=sheet(call, 6, 7),
                               now=after)
    services.score_application(actor=judges[0], assignment=assignment,
                               scores=sheet(call, 6, 9, comment="Thị trường rộng"), now=after)
    changes = AuditEntry.objects.filter(action="innovation.score.change").order_by("pk")
    assert len(changes) == 2  # both comments changed; the second value too
    market = call.criteria.get(name="Khả năng thị trường")
    change = next(c for c in changes if c.after["criterion"] == market.pk)
    assert (change.before["value"], change.after["value"]) == (7, 9)
    assert change.actor == judges[0]
    assert AuditEntry.objects.filter(action="innovation.score.create").count() == 2


def test_results_wait_for_every_expected_score_then_rank_and_fund(
        officer, judges, applications, call, after):
    first, second = applications
    one, two, three = judges
    services.assign_judges(actor=officer, application=first, judges=[one, two], now=after)
    services.assign_judges(actor=officer, application=second, judges=[two, three], now=after)
    a1, a2 = first.assignments.get(judge=one), first.assignments.get(judge=two)
    b2, b3 = second.assignments.get(judge=two), second.assignments.get(judge=three)
    for judge, assignment in ((one, a1), (two, a2), (two, b2)):
        services.declare_interest(actor=judge, assignment=assignment, conflict=False, now=after)
    # Judge three has a conflict with the second application: not waited for.
    services.declare_interest(actor=three, assignment=b3, conflict=True, note="Cổ đông",
                              now=after)
    services.score_application(actor=one, assignment=a1, scores=sheet(call, 8, 6), now=after)
    services.score_application(actor=two, assignment=b2, scores=sheet(call, 9, 9), now=after)
    with pytest.raises(DomainError) as error:
        services.publish_results(actor=officer, call=call, now=after)
    assert error.value.code == "innovation.scores_missing"
    assert "2" in error.value.message("vi")  # two criteria of judge two on the first
    assert selectors.published_ranking(Call.objects.get(pk=call.pk)) == []
    services.score_application(actor=two, assignment=a2, scores=sheet(call, 6, 8), now=after)
    with pytest.raises(PermissionDenied):  # judges cannot publish
        services.publish_results(actor=two, call=call, now=after)
    ranked = services.publish_results(actor=officer, call=call, now=after)
    # first: (40·8 + 60·6)/10 = 68 and (40·6 + 60·8)/10 = 72 -> 70, spread 4
    # second: (40·9 + 60·9)/10 = 90 (one judge) -> 90, spread 0
    assert [(r.key, r.score, r.spread) for r in ranked] == [
        (second.pk, Decimal("90.00"), Decimal("0.00")),
        (first.pk, Decimal("70.00"), Decimal("4.00"))]
    assert list(Application.objects.filter(funded=True)) == [second]
    public = selectors.published_ranking(Call.objects.get(pk=call.pk))
    assert [(row["rank"], row["application"].number) for row in public] == [
        (1, second.number), (2, first.number)]
    with pytest.raises(DomainError) as error:  # frozen once published
        services.score_application(actor=one, assignment=a1, scores=sheet(call, 1, 1),
                                   now=after)
    assert error.value.code == "innovation.results_published"


def test_an_application_without_judges_holds_the_results(officer, applications, call, after):
    with pytest.raises(DomainError):
        services.publish_results(actor=officer, call=call, now=after)


def test_only_judges_are_assigned(officer, founder, applications, after):
    with pytest.raises(DomainError):
        services.assign_judges(actor=officer, application=applications[0], judges=[founder],
                               now=after)

"""Under concurrency (PostgreSQL): founders applying at the same instant get distinct,
gapless receipt numbers; the same profile sent twice at once is taken once; two saves of
one judge's scores leave one score per criterion."""

import pytest

from tests.border.conftest import all_at_once
from tests.factories import user_with_role
from tests.innovation.conftest import published_profile, upload, vn
from tinhso.accounts.models import Role
from tinhso.core.errors import DomainError
from tinhso.innovation import services
from tinhso.innovation.models import Application, Score

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _apply(founder, call, profile):
    try:
        services.submit_application(
            actor=founder, call=call, profile=profile, uploads={0: upload()},
            data=services.ApplicationInput("Dự án", "Tóm tắt", 0),
            now=vn(2026, 12, 5, 10, 0))
        return "taken"
    except DomainError as error:
        return error.code


def test_eight_founders_at_once_get_numbers_one_to_eight(officer, call, commune):
    founders = [user_with_role(Role.FOUNDER) for _ in range(8)]
    profiles = [published_profile(f, officer, commune, name=f"HTX số {i}")
                for i, f in enumerate(founders)]
    results = all_at_once(lambda pair: _apply(pair[0], call, pair[1]),
                          list(zip(founders, profiles, strict=True)))
    assert results == ["taken"] * 8
    assert sorted(Application.objects.values_list("number", flat=True)) == [
        f"KN-2026-{n:04d}" for n in range(1, 9)]


def test_the_same_profile_sent_twice_at_once_is_taken_once(founder, officer, call, commune):
    profile = published_profile(founder, officer, commune)
    results = all_at_once(lambda _n: _apply(founder, call, profile), [1, 2, 3])
    assert sorted(results) == ["innovation.already_applied"] * 2 + ["taken"]
    assert Application.objects.count() == 1


def test_a_judges_two_saves_at_once_keep_one_score_per_criterion(
        founder, officer, judges, call, commune, deadline):
    profile = published_profile(founder, officer, commune)
    _apply(founder, call, profile)
    application = Application.objects.get()
    after = vn(2026, 12, 11, 9, 0)
    [assignment] = services.assign_judges(actor=officer, application=application,
                                          judges=[judges[0]], now=after)
    services.declare_interest(actor=judges[0], assignment=assignment, conflict=False, now=after)
    criteria = list(call.criteria.all())

    def save(value):
        services.score_application(
            actor=judges[0], assignment=assignment, now=after,
            scores=[services.ScoreInput(c.pk, value, "") for c in criteria])
        return value

    all_at_once(save, [5, 6, 7, 8])
    assert Score.objects.count() == len(criteria)
    assert len(set(Score.objects.values_list("value", flat=True))) == 1

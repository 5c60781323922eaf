"""Profiles: written by a founder, published after the office's review, found in the
public directory accent-insensitively; the dashboard's count."""

from datetime import date

import pytest

from tests.innovation.conftest import profile_input, published_profile, vn
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.models import AuditEntry
from tinhso.innovation import selectors, services
from tinhso.innovation.models import Profile, ProfileState
from tinhso.innovation.selectors import DirectoryFilter

pytestmark = pytest.mark.django_db


def test_a_founders_profile_is_a_draft_until_the_office_publishes_it(founder, officer, commune):
    profile = services.create_profile(actor=founder, data=profile_input(commune))
    assert profile.state == ProfileState.DRAFT
    assert list(selectors.directory(DirectoryFilter())) == []
    services.move_profile(actor=founder, profile=profile, action="submit")
    assert list(selectors.directory(DirectoryFilter())) == []
    services.move_profile(actor=officer, profile=profile, action="publish")
    assert list(selectors.directory(DirectoryFilter())) == [profile]
    actions = list(AuditEntry.objects.filter(object_type="innovation.profile")
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["innovation.profile.create", "innovation.profile.submit",
                       "innovation.profile.publish"]


def test_the_office_returns_a_profile_with_a_note_and_the_founder_resubmits(
        founder, officer, commune):
    profile = services.create_profile(actor=founder, data=profile_input(commune))
    services.move_profile(actor=founder, profile=profile, action="submit")
    with pytest.raises(InvalidInput):  # a return says what to change
        services.move_profile(actor=officer, profile=profile, action="return", note=" ")
    profile = services.move_profile(actor=officer, profile=profile, action="return",
                                    note="Bổ sung thông tin thành viên")
    assert (profile.state, profile.review_note) == ("returned", "Bổ sung thông tin thành viên")
    profile = services.move_profile(actor=founder, profile=profile, action="submit")
    assert profile.state == ProfileState.SUBMITTED


@pytest.mark.parametrize(("who", "action"), [
    ("founder", "publish"),        # a founder cannot publish their own profile
    ("other_founder", "submit"),   # nor submit someone else's
    ("officer", "submit"),         # the office does not submit for the founder
    ("judge", "publish"),
])
def test_who_may_not_move_a_profile(request, founder, commune, judges, who, action):
    request.getfixturevalue("officer")
    actor = judges[0] if who == "judge" else request.getfixturevalue(who)
    profile = services.create_profile(actor=founder, data=profile_input(commune))
    if action == "publish":
        services.move_profile(actor=founder, profile=profile, action="submit")
    state = Profile.objects.get(pk=profile.pk).state
    with pytest.raises(DomainError):
        services.move_profile(actor=actor, profile=profile, action=action)
    assert Profile.objects.get(pk=profile.pk).state == state


def test_publishing_a_draft_skips_no_step(founder, officer, commune):
    profile = services.create_profile(actor=founder, data=profile_input(commune))
    with pytest.raises(DomainError) as error:
        services.move_profile(actor=officer, profile=profile, action="publish")
    assert error.value.code == "innovation.not_allowed"


def test_bad_input_names_every_field_and_saves_nothing(founder, commune):
    bad = profile_input(commune, name="", field="mining", stage="", commune_code=1,
                        website="nachilang.vn", tax_code="0100233489")
    with pytest.raises(InvalidInput) as error:
        services.create_profile(actor=founder, data=bad)
    fields = {e.field for e in error.value.errors}
    assert fields == {"name", "field", "stage", "commune", "website", "tax_code"}
    checksum = next(e for e in error.value.errors if e.field == "tax_code")
    assert checksum.code == "tax_code.checksum"
    assert "mã số thuế" in checksum.message("vi").lower()
    assert not Profile.objects.exists()


def test_a_valid_tax_code_is_normalised(founder, commune):
    profile = services.create_profile(actor=founder,
                                      data=profile_input(commune, tax_code=" 0100233488 001"))
    assert profile.tax_code == "0100233488-001"


def test_only_founders_create_profiles(officer, commune):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_profile(actor=officer, data=profile_input(commune))


def test_directory_search_ignores_accents_and_filters(founder, officer, commune,
                                                       other_commune):
    na = published_profile(founder, officer, commune)
    tea = published_profile(founder, officer, other_commune, name="Trà hoa vàng Đình Lập",
                            field="health", stage="idea", kind="startup",
                            summary="Trà hoa vàng sấy lạnh", products="Trà túi lọc")
    hidden = services.create_profile(actor=founder, data=profile_input(
        commune, name="Na Chi Lăng bản nháp"))
    assert list(selectors.directory(DirectoryFilter(q="na chi lang"))) == [na]
    assert list(selectors.directory(DirectoryFilter(q="TRA HOA VANG"))) == [tea]
    assert list(selectors.directory(DirectoryFilter(q="dinh lap"))) == [tea]
    assert list(selectors.directory(DirectoryFilter(field="health"))) == [tea]
    assert list(selectors.directory(DirectoryFilter(stage="growth"))) == [na]
    assert list(selectors.directory(DirectoryFilter(commune=commune.code))) == [na]
    assert list(selectors.directory(DirectoryFilter(q="chi lang", commune=other_commune.code))) == []
    assert hidden not in selectors.directory(DirectoryFilter(q="ban nhap"))


def test_startup_count_for_the_dashboard(founder, officer, commune, other_commune):
    # Created on 1 December at 23:30 Vietnam time (16:30 UTC): counted on 1 December.
    published_profile(founder, officer, commune, now=vn(2026, 12, 1, 23, 30))
    published_profile(founder, officer, other_commune, name="Trà hoa vàng",
                      now=vn(2026, 12, 2, 0, 10))
    # A draft and a returned profile are not counted.
    services.create_profile(actor=founder, data=profile_input(commune, name="Nháp"),
                            now=vn(2026, 11, 1, 8, 0))
    assert selectors.startup_count(on=date(2026, 11, 30)) == 0
    assert selectors.startup_count(on=date(2026, 12, 1)) == 1
    assert selectors.startup_count(on=date(2026, 12, 2)) == 2
    assert selectors.startup_count(on=date(2026, 12, 2), commune_code=commune.code) == 1
    assert selectors.startup_count(on=date(2026, 12, 1), commune_code=other_commune.code) == 0
    assert selectors.startup_count(on=date(2026, 12, 2), commune_code=999999) == 0

"""core.search on the database in use (SQLite by default, PostgreSQL with DATABASE_URL):
the index follows saves and deletes, queries fold accents and "đ", rank the main field
first, compose with filters and paging, and user syntax never errors."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tinhso.core import search
from tinhso.core.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

U = AdministrativeUnit.Kind


def unit(code: int, name: str, former_district: str = "", kind=U.COMMUNE):
    return AdministrativeUnit.objects.create(code=code, name=name, kind=kind,
                                             former_district=former_district)


def names(queryset) -> list[str]:
    return [row.name for row in queryset]


@pytest.fixture
def units():
    return [
        unit(900001, "Na Chi Lăng"),
        unit(900002, "Thạch đen"),
        unit(900003, "Đường Quốc lộ"),
        unit(900004, "Quang Lang", former_district="Chi Lăng"),
        unit(900005, "Hữu Lũng", kind=U.WARD),
    ]


def mine(queryset):
    return queryset.filter(code__gte=900000)


@pytest.mark.parametrize(("typed", "found"), [
    ("na chi lang", ["Na Chi Lăng"]),
    ("thach den", ["Thạch đen"]),
    ("THẠCH ĐEN", ["Thạch đen"]),
    ("DUONG", ["Đường Quốc lộ"]),
    ("đường", ["Đường Quốc lộ"]),
    ("thach de", ["Thạch đen"]),  # the last word is still being typed
    ("huu lu", ["Hữu Lũng"]),
])
def test_accent_and_case_insensitive(units, typed, found):
    assert names(mine(search.search(AdministrativeUnit, typed))) == found


def test_every_word_must_match_and_a_finished_word_is_not_a_prefix(units):
    assert names(mine(search.search(AdministrativeUnit, "na lang"))) == ["Na Chi Lăng"]
    assert names(mine(search.search(AdministrativeUnit, "thach dem"))) == []
    assert names(mine(search.search(AdministrativeUnit, "thac", prefix=False))) == []


def test_main_field_ranks_above_the_secondary_one(units):
    found = list(mine(search.search(AdministrativeUnit, "chi lang")))
    assert names(found) == ["Na Chi Lăng", "Quang Lang"]
    assert found[0].search_rank > found[1].search_rank


def test_composes_with_filters_ordering_count_and_slices(units):
    result = search.search(AdministrativeUnit.objects.filter(code__gte=900000), "lang")
    assert result.count() == 2
    assert names(result.filter(code__lt=900004)) == ["Na Chi Lăng"]
    assert names(result.order_by("-code")) == ["Quang Lang", "Na Chi Lăng"]
    assert names(result.order_by("code")[1:2]) == ["Quang Lang"]
    assert len(result[:1]) == 1
    assert result.filter(kind=U.WARD).count() == 0


def test_empty_query_changes_nothing(units):
    queryset = mine(AdministrativeUnit.objects.all())
    for typed in ("", "   ", None, "***", "“”"):
        assert search.search(queryset, typed).count() == 5


@pytest.mark.parametrize("typed", [
    '"', 'na"', "na*", "*", "NEAR(na chi)", "NEAR", "-na", "na -lang", "na OR lang",
    "na AND", "a:*", "!na & |chi", "col:na", "^na", "(na", "na)", "'; DROP TABLE x; --",
    "\\", "na\x00", "🙂 na", "ǅ", "x" * 5000,
])
def test_query_syntax_typed_by_a_user_never_errors(units, typed):
    list(mine(search.search(AdministrativeUnit, typed))[:5])


def test_index_follows_saves_and_deletes(units):
    na = units[0]
    na.name = "Hồng Phong"
    na.save()
    assert names(mine(search.search(AdministrativeUnit, "na chi"))) == []
    assert names(mine(search.search(AdministrativeUnit, "hong phong"))) == ["Hồng Phong"]
    units[1].delete()
    assert names(mine(search.search(AdministrativeUnit, "thach"))) == []


def test_reindex_after_writes_that_send_no_signal(units):
    AdministrativeUnit.objects.filter(code=900005).update(name="Tân Thành")
    assert names(mine(search.search(AdministrativeUnit, "tan thanh"))) == []
    assert search.reindex(AdministrativeUnit, [units[4].pk]) == 1
    assert names(mine(search.search(AdministrativeUnit, "tan thanh"))) == ["Tân Thành"]
    call_command("search_reindex", "core.AdministrativeUnit", stdout=io.StringIO())
    assert names(mine(search.search(AdministrativeUnit, "tan thanh"))) == ["Tân Thành"]
    assert names(mine(search.search(AdministrativeUnit, "na chi lang"))) == ["Na Chi Lăng"]


def test_unregistered_model_is_a_clear_error():
    from tinhso.core.models import CalendarOverride

    with pytest.raises(LookupError, match="not registered"):
        search.search(CalendarOverride, "tet")


@pytest.mark.postgres
def test_postgres_unaccent_wrapper_is_immutable_and_folds(units):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tinhso_unaccent('Đường Thạch đen'), provolatile "
                       "FROM pg_proc WHERE proname = 'tinhso_unaccent'")
        folded, volatility = cursor.fetchone()
        assert folded == "Duong Thach den"
        assert volatility == "i"
        cursor.execute("SELECT document::text FROM core_administrativeunit_search "
                       "WHERE object_id = %s", [units[0].pk])
        assert cursor.fetchone()[0] == "'chi':2A 'lang':3A 'na':1A"

"""PostgreSQL: the product index's key words have a posting table (core.search
``key_postings``), kept by a trigger; the best tier of a search walks the rarest word's
postings, then the GIN index when that walk ends short, and finds what the other reads
find."""

import pytest
from django.db import connection

from tests.market import catalogue_data as data
from tinhso.core import search
from tinhso.market.models import Product
from tinhso.market.search_index import category_key, commune_key

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NAMES = ["Na Chi Lăng", "Na dai Chi Lăng", "Na bở", "Thạch đen Tràng Định", "Thạch đen",
         "Miến dong Bình Liêu", "Miến dong", "Quýt Bắc Sơn", "Quýt vàng", "Hồi khô",
         "Na Chi Lăng loại 1", "Đặc biệt na Chi Lăng", "Chè Shan tuyết", "Na sấy dẻo"]
QUERIES = ["na chi lang", "na", "na c", "chi lang na", "thach den", "thach d", "mien",
           "quyt bac son", "dac biet", "hoi kho", "khong co", "lang", "na say"]


def postings(product) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM market_product_search_keys WHERE object_id = %s",
                       [product.pk])
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def products():
    hoang = data.shop("Nhà vườn Hoàng", commune_name="Chi Lăng")
    ly = data.shop("Hộ bà Lý", commune_name="Tràng Định")
    # a name twice, in turns between two shops: many postings for the common words
    return [data.product(hoang if i % 2 else ly, name)
            for i, name in enumerate(NAMES + NAMES)]


def ids(*args, **kwargs) -> list[int]:
    found = search.find(Product, *args, cap=40, **kwargs)
    return [row.pk for row in found[0:40]]


def test_postings_follow_the_name_the_keys_and_withdrawal(products):
    na = products[0]
    words = postings(na)
    assert {"zzna", "zzchi", "zzlang", "zpch", "zpchi", "zpla", "zplan", "zplang",
            category_key(na.category.slug), commune_key(na.shop.commune.code),
            f"shop{na.shop_id}", search.ALL_KEY} <= words
    na.name = "Hồng vành khuyên"
    na.save()
    words = postings(na)
    assert "zzhong" in words and "zzna" not in words and "zpch" not in words
    na.is_active = False
    na.save()  # withdrawn: out of the index, and out of the postings
    assert postings(na) == set()
    other = products[1]
    other.delete()
    assert postings(other) == set()


@pytest.mark.parametrize("walk", [2, search.KEY_WALK])
def test_walking_postings_finds_what_the_windows_and_gin_find(products, monkeypatch, walk):
    """``walk`` 2: most walks end short and the GIN index finishes the tier."""
    hoang = products[1].shop
    keyed = [[commune_key(hoang.commune.code)], [category_key("trai-cay")], []]
    monkeypatch.setattr(search, "KEY_WALK", walk)
    walked = {(q, i): ids(q, keys=k) for q in QUERIES for i, k in enumerate(keyed)}
    walked["no words"] = ids(keys=keyed[0])
    data.without_key_postings(monkeypatch)
    assert search.find(Product, "na")._drivers() is None
    read_before = {(q, i): ids(q, keys=k) for q in QUERIES for i, k in enumerate(keyed)}
    read_before["no words"] = ids(keys=keyed[0])
    assert walked == read_before
    assert walked[("na chi lang", 2)][:4] == [p.pk for p in reversed(products)
                                              if p.name in ("Na Chi Lăng loại 1",
                                                            "Na Chi Lăng", "Na dai Chi Lăng",
                                                            "Đặc biệt na Chi Lăng")][:4]


def test_the_rarest_word_of_the_name_is_walked(products):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE market_product_search_keys")
    search._frequencies.clear()
    # "na" is in 6 names of 14, "say" in one (the last word, being typed: its beginning)
    assert search.find(Product, "na say")._drivers() == ("zpsay", "zzna")
    assert search.find(Product, "say na")._drivers() == ("zzsay", "zpna")
    assert search.find(Product, "na chi lang khong")._drivers()[0] == "zpkhong"  # no name
    # a key that is one of several is not walked; one that must match may be
    assert search.find(Product, "na", keys=[["cat1", "cat2"]])._drivers() == ("zpna", None)
    assert search.find(Product, "na", keys=["cat1"])._drivers() == ("cat1", "zpna")
    search._frequencies.clear()


def test_common_words_fill_a_page_from_one_words_postings_in_one_statement(products):
    from django.test.utils import CaptureQueriesContext

    search._key_word_frequencies(connection, search.searchable(Product).postings_table)
    with CaptureQueriesContext(connection) as ran:
        found = search.find(Product, "na chi lang", stored=True, cap=2, rows=(0, 2))
        assert found.count() == 2 and found.capped
        assert [row["name"] for row in found[0:2]] == ["Đặc biệt na Chi Lăng",
                                                       "Na Chi Lăng loại 1"]
    assert len(ran.captured_queries) == 1
    assert "market_product_search_keys" in ran.captured_queries[0]["sql"]

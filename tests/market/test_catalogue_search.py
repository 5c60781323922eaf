"""Part 3: the catalogue searched in the database (accent-insensitive, both databases),
filtered, sorted and paged; the public search API and the pages."""

import json
import re
from datetime import date

import pytest

from tests.market import catalogue_data as data
from tinhso.core import search
from tinhso.market import selectors_catalogue as selectors
from tinhso.market.models import Product

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture
def catalogue():
    hoang = data.shop("Nhà vườn Hoàng", commune_name="Chi Lăng")
    ly = data.shop("Hộ bà Lý", commune_name="Tràng Định")
    jelly = data.category("dac-san", "Đặc sản")
    return {
        "na": data.product(hoang, "Na Chi Lăng", price_vnd=45000, is_specialty=True,
                           **data.ocop(4)),
        "thach": data.product(ly, "Thạch đen Tràng Định", category=jelly, price_vnd=30000,
                              unit="pack", description="Làm từ cây thạch đen"),
        "duong": data.product(ly, "Đường phèn", category=jelly, price_vnd=60000),
        "mien": data.product(ly, "Miến dong", category=jelly, price_vnd=80000,
                             description="Ăn kèm na chi lang rất ngon",
                             **data.ocop(3, expires=date(2026, 11, 30))),  # expired
        "hidden": data.product(hoang, "Na dai", is_active=False),
    }


def names(rows) -> list[str]:
    return [p["name"] for p in rows]


def find(**filters):
    return names(selectors.catalogue(selectors.CatalogueFilter(**filters), today=TODAY))


def cards(*args, **kwargs) -> search.Found:
    """``find`` answering the cards the product index stores (as the catalogue does)."""
    return search.find(Product, *args, stored=True, **kwargs)


@pytest.mark.parametrize(("typed", "first"), [
    ("na chi lang", "Na Chi Lăng"), ("thach den", "Thạch đen Tràng Định"),
    ("DUONG", "Đường phèn"), ("Đường", "Đường phèn"), ("mien do", "Miến dong"),
    ("dac san lang son", "Na Chi Lăng"),  # the speciality tag is searchable
])
def test_accent_insensitive_search(catalogue, typed, first):
    assert find(q=typed)[0] == first


def test_name_matches_rank_above_description_matches(catalogue):
    assert find(q="na chi lang") == ["Na Chi Lăng", "Miến dong"]
    assert find(q="thach den")[0] == "Thạch đen Tràng Định"


def test_withdrawn_products_are_not_found(catalogue):
    assert "Na dai" not in find(q="na")


@pytest.mark.parametrize("typed", ['"', "na*", "NEAR(na chi)", "-na", "na -chi", "a:* & !b",
                                   "'; DROP TABLE market_product; --", "(", "*" * 300])
def test_fts_syntax_in_the_query_never_errors(catalogue, typed):
    find(q=typed)
    assert Product.objects.count() == 5


def test_filters_sort_and_ocop_badge_only_while_valid(catalogue):
    assert find(category="dac-san", sort="price_asc") == [
        "Thạch đen Tràng Định", "Đường phèn", "Miến dong"]
    assert find(price_min=40000, price_max=70000, sort="price_desc") == [
        "Đường phèn", "Na Chi Lăng"]
    assert find(ocop_min_stars=3) == ["Na Chi Lăng"]  # Miến dong's certificate expired
    assert find(ocop_min_stars=5) == []
    chi_lang = catalogue["na"].shop.commune.code
    assert find(commune=chi_lang) == ["Na Chi Lăng"]
    assert find(q="na", commune=chi_lang) == ["Na Chi Lăng"]
    assert find(specialty=True) == ["Na Chi Lăng"]


def test_index_follows_product_edits(catalogue):
    thach = catalogue["thach"]
    thach.name = "Thạch đen Bắc Sơn"
    thach.save()
    assert find(q="bac son") == ["Thạch đen Bắc Sơn"]
    assert find(q="thach den trang") == []
    thach.delete()
    assert find(q="thach") == []


def test_api_search_answers_items_and_count(client, catalogue):
    response = client.get("/api/v1/market/products", {"q": "na chi lang"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert (first["name"], first["price"], first["ocop_stars"]) == ("Na Chi Lăng", 45000, 4)
    assert body["items"][1]["ocop_stars"] is None  # expired: no badge


@pytest.mark.parametrize("params", [
    {"ocop": 7}, {"price_min": -1}, {"sort": "drop"}, {"commune": "x"}, {"limit": 10**6},
    {"q": "x" * 201}])
def test_api_refuses_odd_filters_with_422(client, catalogue, params):
    response = client.get("/api/v1/market/products", params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["message_vi"]


def test_catalogue_page_and_htmx_fragment(client, catalogue):
    page = client.get("/cho/", {"q": "thach den"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thạch đen Tràng Định" in html and "30.000 ₫" in html
    fragment = client.get("/cho/", {"q": "thach den"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    odd = client.get("/cho/", {"ocop": "nine", "price_min": "-5", "sort": "x", "page": "z"})
    assert odd.status_code == 200


def test_product_page_has_json_ld_and_open_graph(client, catalogue):
    na = catalogue["na"]
    Product.objects.filter(pk=na.pk).update(description="</script><script>alert(1)</script>")
    response = client.get(f"/cho/{na.shop.slug}/{na.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    structured = json.loads(block.group(1))
    assert structured["@type"] == "Product"
    assert structured["offers"]["price"] == "45000"
    assert structured["offers"]["priceCurrency"] == "VND"
    assert "<script>alert" not in html  # escaped in the data block and in the meta tags
    assert '<meta property="og:title" content="Na Chi Lăng — 45.000 ₫ / kg">' in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "OCOP" in html


def test_withdrawn_or_unknown_product_page_is_404(client, catalogue):
    hidden = catalogue["hidden"]
    assert client.get(f"/cho/{hidden.shop.slug}/{hidden.slug}/").status_code == 404
    assert client.get(f"/api/v1/market/shops/{hidden.shop.slug}/products/"
                      f"{hidden.slug}").status_code == 404
    assert client.get("/cho/khong-co/").status_code == 404


def test_shop_page_lists_what_is_on_sale(client, catalogue):
    hoang = catalogue["na"].shop
    html = client.get(f"/cho/{hoang.slug}/").content.decode()
    assert "Na Chi Lăng" in html and "Na dai" not in html
    assert client.get(f"/api/v1/market/shops/{hoang.slug}").json()["name"] == "Nhà vườn Hoàng"


def test_reindex_covers_bulk_writes(catalogue):
    Product.objects.filter(pk=catalogue["duong"].pk).update(name="Mật ong bạc hà")
    assert find(q="mat ong") == []
    search.reindex(Product)
    assert find(q="mat ong") == ["Mật ong bạc hà"]


def _searching(captured) -> list[str]:
    return [q["sql"] for q in captured if "to_tsquery" in q["sql"]]


@pytest.mark.postgres
def test_postgres_reads_rare_words_from_the_gin_index_and_counts_nothing(catalogue,
                                                                        monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data.without_key_postings(monkeypatch)
    monkeypatch.setattr(search, "FIRST_WINDOW", 0)  # no newest rows: straight to the index
    with CaptureQueriesContext(connection) as ran:
        found = selectors.catalogue(selectors.CatalogueFilter(q="na chi lang"), today=TODAY,
                                    cap=20, rows=(0, 20))
        assert found.count() == 2
        assert names(found[0:20]) == ["Na Chi Lăng", "Miến dong"]
    statements = _searching(ran.captured_queries)
    # the page's cards come with the ids: nothing but the searching statements ran, and
    # none counts the matches in the table
    assert len(ran.captured_queries) == len(statements)
    assert not any(re.search(r"count\(", sql, re.IGNORECASE) for sql in statements)
    from_index = [sql for sql in statements if "AS matched" in sql]
    assert len(from_index) == 2  # one per tier: name matches, then the others
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")  # as for a rare query on a large table
        cursor.execute("EXPLAIN " + from_index[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "market_product_search_document" in plan, plan


@pytest.mark.postgres
def test_postgres_fills_a_page_of_common_words_from_the_newest_rows_in_one_statement(
        catalogue, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data.without_key_postings(monkeypatch)
    shop = catalogue["na"].shop
    for n in range(4):
        data.product(shop, f"Na dai {n}")
    with CaptureQueriesContext(connection) as ran:
        found = cards("na", cap=2, rows=(0, 2))
        assert found.count() == 2 and found.capped
        assert [row["name"] for row in found[0:2]] == ["Na dai 3", "Na dai 2"]
    assert len(ran.captured_queries) == 1
    assert "max(object_id)" in ran.captured_queries[0]["sql"]


@pytest.mark.parametrize("postings", [True, False])
@pytest.mark.parametrize(("window", "gin_cost"), [
    (0, 6.0), (1000, 6.0), (8, 6.0), (1, 6.0), (8, 1e9), (1, 1e9), (2, 0.0)])
def test_the_newest_rows_first_give_the_same_pages_as_the_whole_index(catalogue,
                                                                     monkeypatch, window,
                                                                     gin_cost, postings):
    """PostgreSQL reads each tier among the newest rows first (or, the best tier, from one
    word's postings), then in wider windows or from the GIN index (the costs choose):
    every way must give the pages the whole index gives (on SQLite every run takes the
    same path)."""
    if not postings:
        data.without_key_postings(monkeypatch)
    shop = catalogue["na"].shop
    for n in range(12):
        data.product(shop, f"Na dai {n}", description="na chi lang" if n % 3 else "")
    for n in range(5):
        data.product(shop, f"Mận {n}", description="na" if n % 2 else "")
    monkeypatch.setattr(search, "FIRST_WINDOW", window)
    monkeypatch.setattr(search, "GIN_MATCH_COST", gin_cost)
    pages = []
    for start in (0, 2, 4, 10, 12, 14):
        found = cards("na", cap=start + 2, rows=(start, 2))
        found.count()
        pages.append([row["name"] for row in found[start:start + 2]])
    assert pages == [["Na dai 11", "Na dai 10"], ["Na dai 9", "Na dai 8"],
                     ["Na dai 7", "Na dai 6"], ["Na dai 1", "Na dai 0"],
                     ["Na Chi Lăng", "Mận 3"], ["Mận 1", "Miến dong"]]


def test_the_api_counts_to_the_end_of_the_page(client, catalogue, settings):
    """"More than N": the count is exact up to the page's end, then says a next page
    exists, without counting every match."""
    settings.MARKET_SEARCH_CACHE_SECONDS = 0
    shop = catalogue["na"].shop
    for n in range(5):
        data.product(shop, f"Na dai {n}")
    body = client.get("/api/v1/market/products", {"q": "na", "limit": 3}).json()
    assert (body["count"], body["count_capped"], len(body["items"])) == (3, True, 3)
    body = client.get("/api/v1/market/products", {"q": "na", "limit": 3, "offset": 3}).json()
    assert (body["count"], body["count_capped"], len(body["items"])) == (6, True, 3)
    body = client.get("/api/v1/market/products", {"q": "na", "limit": 20}).json()
    assert (body["count"], body["count_capped"]) == (7, False)  # 5 + Na Chi Lăng + Miến dong


def test_cached_answers_move_on_when_the_catalogue_changes(client, catalogue, settings):
    settings.MARKET_SEARCH_CACHE_SECONDS = 30
    ask = lambda: client.get("/api/v1/market/products", {"q": "thach"}).json()  # noqa: E731
    assert [i["name"] for i in ask()["items"]] == ["Thạch đen Tràng Định"]
    thach = catalogue["thach"]
    thach.price_vnd = 32000
    thach.save()
    assert ask()["items"][0]["price"] == 32000  # not the cached 30.000 ₫
    thach.shop.is_active = False  # the shop closes: its products leave the index
    thach.shop.save()
    assert ask()["items"] == []


def test_without_the_cache_every_answer_is_computed(client, catalogue, settings):
    settings.MARKET_SEARCH_CACHE_SECONDS = 0
    first = client.get("/api/v1/market/products", {"q": "na chi lang"}).json()
    # no signal, so the answer cache would not move on; the writer reindexes, as every
    # write without a signal must (the card shown is the one stored in the index)
    Product.objects.filter(pk=catalogue["na"].pk).update(price_vnd=1000)
    search.reindex(Product, [catalogue["na"].pk])
    again = client.get("/api/v1/market/products", {"q": "na chi lang"}).json()
    assert (first["items"][0]["price"], again["items"][0]["price"]) == (45000, 1000)


def test_count_is_capped_and_no_page_lies_beyond_it(catalogue, monkeypatch):

    shop = catalogue["na"].shop
    for n in range(6):
        data.product(shop, f"Na dai {n}")
    found = cards("na", cap=4)
    assert found.count() == 4 and found.capped
    assert len(found[0:10]) == 4 and found[4:8] == []
    exact = cards("na", cap=100)
    assert exact.count() == 8 and not exact.capped  # 6 + Na Chi Lăng + Miến dong (text)
    names = [row["name"] for row in exact[0:100]]
    assert names[-1] == "Miến dong"  # a description match comes after every name match
    assert [row["name"] for row in exact[2:4]] == names[2:4]  # pages agree with the whole


def test_the_index_follows_a_shop_and_a_category(catalogue):
    from tinhso.market.models import Category

    hoang = catalogue["na"].shop
    hoang.is_active = False
    hoang.save()
    assert find(q="na chi lang") == ["Miến dong"]  # Na Chi Lăng's shop closed
    hoang.is_active = True
    hoang.save()
    assert find(q="na chi lang") == ["Na Chi Lăng", "Miến dong"]
    jelly = Category.objects.get(slug="dac-san")
    jelly.name = "Hàng khô vùng cao"
    jelly.save()
    assert find(q="vung cao") == ["Miến dong", "Đường phèn", "Thạch đen Tràng Định"]
    na = catalogue["na"]
    na.is_active = False
    na.save()
    assert find(q="na chi") == ["Miến dong"]
    assert find(category="trai-cay") == []  # its category filter is in the index too


def test_filters_inside_the_index_match_the_table(catalogue):
    chi_lang = catalogue["na"].shop.commune.code
    assert find(commune=chi_lang, q="na") == ["Na Chi Lăng"]
    assert find(specialty=True, q="na") == ["Na Chi Lăng"]
    assert find(category="dac-san", sort="relevance") == [
        "Miến dong", "Đường phèn", "Thạch đen Tràng Định"]  # newest first
    assert find(category="nothing") == []


def test_product_page_says_out_of_season_not_out_of_stock(client, catalogue):
    na = catalogue["na"]
    Product.objects.filter(pk=na.pk).update(season_start_month=6, season_end_month=8,
                                            stock="12.5")
    html = client.get(f"/cho/{na.shop.slug}/{na.slug}/").content.decode()
    assert "Trái mùa" in html and "Hết hàng" not in html
    assert "12,5 kg" in html and "0,5 kg" in html and "0,500" not in html


@pytest.mark.parametrize("typed", ["na", "na chi lang", "thach d", "khong co gi", None])
def test_the_page_read_with_the_count_is_the_page_sliced_after_it(catalogue, typed):
    """``rows=``: PostgreSQL reads the page's rows in the statement that counts; the
    count and every page are those of the two-statement path (SQLite takes that path)."""
    shop = catalogue["na"].shop
    for n in range(7):
        data.product(shop, f"Na dai {n}", description="thach den" if n % 2 else "")
    for start, size in ((0, 3), (3, 3), (6, 3), (20, 3)):
        plain = cards(typed, cap=start + size)
        folded = cards(typed, cap=start + size,
                             rows=(start, size))
        assert (folded.count(), folded.capped) == (plain.count(), plain.capped)
        assert folded[start:start + size] == plain[start:start + size]
        assert folded[0:1] == plain[0:1]  # outside the page read with the count: fetched


@pytest.mark.postgres
def test_postgres_reads_a_search_page_with_its_cards_and_no_count(client, catalogue,
                                                                   settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MARKET_SEARCH_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as ran:
        body = client.get("/api/v1/market/products", {"q": "na chi lang", "limit": 1}).json()
    assert [item["name"] for item in body["items"]] == ["Na Chi Lăng"]
    assert (body["count"], body["count_capped"]) == (1, True)  # and Miến dong after it
    # only statements that search, the cards read with the ids; none counts the matches
    statements = [q["sql"] for q in ran.captured_queries if "market_product" in q["sql"]]
    assert statements and all("to_tsquery" in sql or "market_product_search_keys" in sql
                              for sql in statements)  # the index, or its key postings
    assert not any(re.search(r"count\(", sql, re.IGNORECASE) for sql in statements)


@pytest.mark.parametrize("chosen", [
    {"q": "na", "price_min": 40000}, {"sort": "price_asc"}, {"q": "na", "sort": "name"},
    {"ocop_min_stars": 3, "sort": "price_desc"}, {"q": "khong co gi", "price_max": 10},
])
# PostgreSQL walks a sorted search's sort first (SORT_WALK rows a match), then the GIN
# index when that walk fell short: 1 makes most walks fall short here
@pytest.mark.parametrize("walk", [1, search.SORT_WALK])
def test_filtered_and_sorted_pages_read_with_the_count_are_the_same(catalogue, chosen, walk,
                                                                     monkeypatch):
    monkeypatch.setattr(search, "SORT_WALK", walk)
    shop = catalogue["na"].shop
    for n in range(7):
        data.product(shop, f"Na dai {n}", price_vnd=35000 + 1000 * n)
    filters = selectors.CatalogueFilter(**chosen)
    for start, size in ((0, 3), (3, 3), (9, 3)):
        plain = selectors.catalogue(filters, today=TODAY, cap=start + size)
        folded = selectors.catalogue(filters, today=TODAY, cap=start + size,
                                     rows=(start, size))
        assert (folded.count(), folded.capped) == (plain.count(), plain.capped)
        assert folded[start:start + size] == plain[start:start + size]

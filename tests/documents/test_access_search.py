"""Confidentiality in every list, search result and download; accent-insensitive search
over excerpt, number-symbol, issuing agency and the PDF's text (SQLite here, PostgreSQL
when DATABASE_URL points at it); registers as Excel."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.factories import user_with_role
from tinhso.accounts.models import Role
from tinhso.documents import registers, selectors, services
from tinhso.documents.selectors import Filters

from .conftest import issue, make_draft, pdf_upload


@pytest.fixture
def docs(world):
    clerk = world.staff["ubnd"]["vanthu"]
    plain = services.register_scanned(
        actor=clerk, agency=world.agencies["ubnd"],
        upload=pdf_upload("Công văn", "Đề nghị hỗ trợ tiêu thụ na Chi Lăng và thạch đen."),
        sender_name="Sở Nông nghiệp và Môi trường", number_symbol="88/SNNMT-TTBVTV",
        doc_date=date(2026, 11, 25), doc_type="cong_van",
        excerpt="V/v hỗ trợ tiêu thụ nông sản vụ thu hoạch")
    secret = services.register_scanned(
        actor=clerk, agency=world.agencies["ubnd"],
        upload=pdf_upload("Báo cáo", "Tình hình an ninh tuyến biên giới Đồng Đăng."),
        sender_name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh", number_symbol="12/BC-BCH",
        doc_date=date(2026, 11, 26), doc_type="bao_cao", confidentiality="mat",
        excerpt="Báo cáo tình hình an ninh biên giới")
    return plain, secret


def _ids(rows):
    return {d.pk for d in rows}


def test_secret_documents_are_seen_by_leader_clerk_and_handlers_only(world, docs):
    plain, secret = docs
    ubnd = world.staff["ubnd"]
    assert _ids(selectors.incoming(ubnd["lanhdao"])) == {plain.pk, secret.pk}
    assert _ids(selectors.incoming(ubnd["vanthu"])) == {plain.pk, secret.pk}
    assert _ids(selectors.incoming(ubnd["chuyenvien"])) == {plain.pk}
    assert _ids(selectors.incoming(world.staff["sct"]["lanhdao"])) == set()
    services.assign(actor=ubnd["lanhdao"], document=secret, assignee=ubnd["chuyenvien"],
                    working_days=3)
    assert _ids(selectors.incoming(ubnd["chuyenvien"])) == {plain.pk, secret.pk}
    assert _ids(selectors.incoming(ubnd["truongphong"])) == {plain.pk}


def test_search_never_reveals_a_secret_document(world, docs):
    _, secret = docs
    ubnd = world.staff["ubnd"]
    assert _ids(selectors.incoming(ubnd["lanhdao"], Filters(q="an ninh bien gioi"))) == \
        {secret.pk}
    assert _ids(selectors.incoming(ubnd["chuyenvien"], Filters(q="an ninh bien gioi"))) == set()


@pytest.mark.parametrize("query", [
    "na chi lang",         # no accents, from the PDF's text
    "THẠCH ĐEN",           # upper case with accents
    "88/SNNMT",            # number-symbol
    "nong nghiep moi truong",  # issuing agency
    "tieu thu nong san",   # excerpt
])
def test_accent_insensitive_search(world, docs, query):
    plain, _ = docs
    assert plain.pk in _ids(selectors.incoming(world.staff["ubnd"]["vanthu"], Filters(q=query)))


def test_outgoing_search_and_secret_drafts(world):
    doc = issue(world, make_draft(world, excerpt="Về việc phát triển cửa hàng số OCOP"))
    secret = make_draft(world, excerpt="Phương án bảo vệ bí mật", confidentiality="mat")
    ubnd = world.staff["ubnd"]
    assert doc.pk in _ids(selectors.outgoing(ubnd["truongphong"],
                                             Filters(q="cua hang so")))
    assert secret.pk not in _ids(selectors.outgoing(ubnd["truongphong"]))
    assert secret.pk in _ids(selectors.outgoing(ubnd["chuyenvien"]))  # its drafter


def test_registers_as_excel_in_the_appendix_layout(world, docs):
    issue(world, make_draft(world, doc_type="bao_cao"))
    user = world.staff["ubnd"]["vanthu"]
    data = registers.incoming_register(selectors.incoming(user), agency_name="UBND tỉnh",
                                       date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A5"].value == "Ngày đến" and sheet["B5"].value == "Số đến"
    assert [sheet["B7"].value, sheet["D7"].value] == [1, "88/SNNMT-TTBVTV"]
    data = registers.outgoing_register(selectors.outgoing(user), agency_name="UBND tỉnh",
                                       date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A5"].value == "Số, ký hiệu văn bản"
    assert sheet["A7"].value == "01/BC-UBND" and sheet["D7"].value == "Nguyễn Văn Hùng"


def test_statistics_for_the_dashboard(world, docs):
    stats = selectors.statistics(world.staff["ubnd"]["lanhdao"],
                                 agency=world.agencies["ubnd"], date_from=date(2026, 1, 1),
                                 date_to=date(2026, 12, 31))
    assert stats["incoming"] == 2 and stats["on_time_rate"] is None


def test_an_unrelated_user_sees_nothing(world, docs):
    outsider = user_with_role(Role.CITIZEN)
    assert not selectors.incoming(outsider).exists()
    assert not selectors.outgoing(outsider).exists()


def _searched(user, q, **filters):
    return _ids(selectors.incoming(user, Filters(q=q, **filters)))


def test_search_keys_follow_the_same_rule_as_the_lists(world, docs, django_user_model):
    """Search runs inside the index (core.search.find) with the row-level rule written as
    key words; for every kind of person it finds exactly what the list shows."""
    plain, secret = docs
    ubnd = world.staff["ubnd"]
    admin = django_user_model.objects.create_superuser("root-docs", password=None)
    people = [*ubnd.values(), world.staff["sct"]["lanhdao"], admin,
              user_with_role(Role.CITIZEN)]
    for person in people:
        listed = _ids(selectors.incoming(person))
        assert _searched(person, "van") | _searched(person, "bao cao") == listed, person
    # A secret document given to a handler becomes findable by that handler only (the
    # assignment reindexes the document), and stays unfindable for a colleague.
    assert _searched(ubnd["chuyenvien"], "an ninh") == set()
    services.assign(actor=ubnd["lanhdao"], document=secret, assignee=ubnd["chuyenvien"],
                    working_days=3)
    assert _searched(ubnd["chuyenvien"], "an ninh") == {secret.pk}
    assert _searched(ubnd["truongphong"], "an ninh") == set()
    assert _searched(admin, "an ninh") == set()  # a superuser sees no secret by default


def test_search_filters_inside_the_index(world, docs):
    plain, secret = docs
    clerk = world.staff["ubnd"]["vanthu"]
    ubnd = world.agencies["ubnd"]
    assert _searched(clerk, "v", doc_type="cong_van") == {plain.pk}
    assert _searched(clerk, "bao cao", doc_type="cong_van") == set()
    assert _searched(clerk, "an ninh", agency=ubnd.pk, state="registered") == {secret.pk}
    assert _searched(clerk, "an ninh", state="assigned") == set()
    assert _searched(clerk, "an ninh", register=secret.register_id) == {secret.pk}
    assert _searched(clerk, "an ninh", register=plain.register_id) == set() or \
        plain.register_id == secret.register_id
    assert _searched(clerk, "an ninh", date_from=date(2099, 1, 1)) == set()
    assert _searched(clerk, "nong san", sender="nông nghiệp") == {plain.pk}
    assert _searched(clerk, "nong san", sender="biên phòng") == set()


def test_a_full_reindex_keeps_each_handlers_secret_documents_findable(world, docs):
    """``reindex`` reads the handlers of a whole batch in one prefetch: the rebuilt index
    gives a secret document to its handler and to no colleague, as before the rebuild."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tinhso.core import search
    from tinhso.documents.models import Assignment, IncomingDocument

    plain, secret = docs
    ubnd = world.staff["ubnd"]
    services.assign(actor=ubnd["lanhdao"], document=secret, assignee=ubnd["chuyenvien"],
                    working_days=3)
    with CaptureQueriesContext(connection) as queries:
        assert search.reindex(IncomingDocument) == 2
    handlers_read = [q for q in queries.captured_queries
                     if Assignment._meta.db_table in q["sql"]]
    assert len(handlers_read) == 1  # one prefetch for the batch, not one per document
    assert _searched(ubnd["chuyenvien"], "an ninh") == {secret.pk}
    assert _searched(ubnd["truongphong"], "an ninh") == set()
    assert _searched(ubnd["vanthu"], "ho tro") == {plain.pk}

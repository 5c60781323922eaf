"""Catalogue import (national portal columns), re-import, sample seed."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tinhso.core.errors import InvalidInput
from tinhso.publicservices import catalogue_format as fmt
from tinhso.publicservices import services
from tinhso.publicservices.demo import SAMPLE_PROCEDURES, seed_public_services
from tinhso.publicservices.models import Procedure, ProcedureStep

HEADERS = [fmt.COLUMNS[k] for k in ("code", "name", "field", "level", "processing_days",
                                     "fee", "online_level", "papers", "steps")]
ROW = ["1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "1 ngày làm việc", "Không",
       "Toàn trình", "Tờ khai|1|Bản chính|to-khai.docx\nGiấy chứng sinh|1|Bản sao", ""]
ROW2 = ["2.000001", "Cấp giấy phép xây dựng", "Xây dựng", "Cấp tỉnh", "15", "150.000 đồng",
        "Một phần", "Đơn|1|Bản chính", "Tiếp nhận: 0,5; Phân công: 0,5; Thẩm định: 12; "
        "Trưởng phòng: 1; Lãnh đạo phê duyệt: 1"]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_default_steps_add_up():
    for half in range(1, 61):
        steps = fmt.default_steps(half)
        assert sum(s.half_days for s in steps) == half
        assert next(s for s in steps if s.kind == "appraisal").half_days >= 1
    assert [s.half_days for s in fmt.default_steps(30)] == [1, 1, 26, 1, 1]


@pytest.mark.parametrize(("cell", "days"), [("15", Decimal(15)), ("0,5", Decimal("0.5")),
                                            ("4.5 ngày làm việc", Decimal("4.5"))])
def test_parse_days(cell, days):
    assert fmt.parse_days(cell) == days


@pytest.mark.parametrize("cell", ["", "ngay", "0,3", "0", "1000"])
def test_parse_days_refuses(cell):
    with pytest.raises(fmt.CellError):
        fmt.parse_days(cell)


def test_parse_fee_and_level():
    assert fmt.parse_fee("50.000 đồng/hồ sơ") == 50000
    assert fmt.parse_fee("Không") == 0
    assert fmt.parse_level("Cấp xã") == "commune"
    assert fmt.parse_level("Cấp Tỉnh") == "province"


@pytest.mark.django_db
@pytest.mark.parametrize("encode", [xlsx, csv_bytes, lambda r: csv_bytes(r, ";")])
def test_import_then_reimport_updates_and_reports(encode, admin_user):
    report = services.import_catalogue(actor=admin_user, content=encode([HEADERS, ROW, ROW2]))
    assert report.created == ["1.001193", "2.000001"]
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.level, birth.processing_days, birth.online_level) == ("commune", 1, "full")
    assert [p.form for p in birth.papers.all()] == ["original", "copy"]
    permit = Procedure.objects.get(code="2.000001")
    assert [s.half_days for s in permit.steps.all()] == [1, 1, 24, 2, 2]
    assert permit.fee_vnd == 150000

    changed = [*ROW2]
    changed[4] = "20"
    again = services.import_catalogue(actor=admin_user,
                                      content=encode([HEADERS, ROW, changed]))
    assert again.created == []
    assert again.unchanged == ["1.001193"]
    assert again.updated == {"2.000001": ["processing_days"]}
    assert Procedure.objects.count() == 2


@pytest.mark.django_db
def test_a_bad_row_writes_nothing_and_names_row_and_column(admin_user):
    bad = [*ROW2]
    bad[3] = "Cấp huyện"
    with pytest.raises(InvalidInput) as error:
        services.import_catalogue(actor=admin_user, content=xlsx([HEADERS, ROW, bad]))
    (problem,) = error.value.errors
    assert problem.field == "row 3"
    assert "Cấp thực hiện" in problem.message_en
    assert not Procedure.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"PK\x03\x04broken",
                                     "Tên;Khác\nA;B".encode()])
def test_unreadable_or_wrong_layout_is_refused(content, admin_user):
    with pytest.raises(InvalidInput):
        services.import_catalogue(actor=admin_user, content=content)


@pytest.mark.django_db
def test_only_the_catalogue_manager_imports(office):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_catalogue(actor=office.leader, content=xlsx([HEADERS, ROW]))


@pytest.mark.django_db
def test_sample_seed_is_idempotent():
    first = seed_public_services()
    assert len(first.created) == len(SAMPLE_PROCEDURES) >= 30
    second = seed_public_services()
    assert second.created == [] and second.updated == {}
    assert Procedure.objects.filter(is_sample=True).count() == len(SAMPLE_PROCEDURES)
    assert set(Procedure.objects.values_list("level", flat=True)) == {"commune", "province"}
    for procedure in Procedure.objects.all():
        total = sum(ProcedureStep.objects.filter(procedure=procedure)
                    .values_list("half_days", flat=True))
        assert total == procedure.half_days

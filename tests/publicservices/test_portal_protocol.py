"""The national portal's protocol, alone (no Django): status codes, moments, parsing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.publicservices.portal import protocol as p

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("before", "after", "code"), [
    ("draft", "submitted", p.NEW),
    ("submitted", "processing", p.RECEIVED),
    ("incomplete", "processing", p.RECEIVED),
    ("supplement", "processing", p.PROCESSING),
    ("submitted", "incomplete", p.SUPPLEMENT),
    ("processing", "supplement", p.SUPPLEMENT),
    ("processing", "resolved", p.RESOLVED),
    ("resolved", "returned", p.RETURNED),
    ("submitted", "refused", p.NOT_RECEIVED),
    ("processing", "refused", p.STOPPED),
    ("supplement", "withdrawn", p.WITHDRAWN),
])
def test_every_transition_has_its_national_status(before, after, code):
    assert p.status_code(before, after) == code


def test_unknown_state_is_refused():
    with pytest.raises(ValueError, match="no national status"):
        p.status_code("processing", "lost")


def test_moments_are_vietnam_time_both_ways():
    utc = datetime(2026, 12, 2, 2, 30, tzinfo=ZoneInfo("UTC"))
    assert p.moment(utc) == "20261202093000"
    assert p.parse_moment("20261202093000") == utc
    assert p.moment(None) == ""
    with pytest.raises(ValueError, match="aware"):
        p.moment(datetime(2026, 12, 2, 9, 30))  # noqa: DTZ001 - the point of the test
    for bad in ("2026-12-02", "", "202612020930001", None, 20261202093000, "20261332093000"):
        with pytest.raises(ValueError, match="moment"):
            p.parse_moment(bad)


def _item(**over):
    item = {"MaHoSo": "H20.01-261202-010001", "MaHoSoQG": "G22.99-261202-000001",
            "MaTTHC": "1.001193", "MaDonVi": "H20.01", "NgayNopHoSo": "20261202083000",
            "LoaiDoiTuong": "1", "ChuHoSo": "Nguyễn Văn An", "SoDienThoai": "0912345678",
            "TaiLieuNop": [{"TenGiayTo": "Tờ khai đăng ký khai sinh"}]}
    item.update(over)
    return item


def test_a_portal_dossier_is_parsed_and_served_back_the_same():
    parsed = p.parse_dossier(_item())
    assert parsed.dossier_code == "H20.01-261202-010001"
    assert parsed.submitted_at == datetime(2026, 12, 2, 8, 30, tzinfo=VN)
    assert parsed.papers == ("Tờ khai đăng ký khai sinh",)
    assert p.parse_dossier(p.dossier_json(parsed)) == parsed


@pytest.mark.parametrize(("change", "field"), [
    ({"MaHoSo": ""}, "MaHoSo"),
    ({"MaHoSo": 12}, "MaHoSo"),
    ({"ChuHoSo": "x" * 201}, "ChuHoSo"),
    ({"NgayNopHoSo": "hôm nay"}, "NgayNopHoSo"),
    ({"LoaiDoiTuong": "9"}, "LoaiDoiTuong"),
    ({"TaiLieuNop": "giấy"}, "TaiLieuNop"),
    ({"TaiLieuNop": [{"TenGiayTo": ""}]}, "TenGiayTo"),
    ({"DuLieuBieuMau": []}, "DuLieuBieuMau"),
])
def test_a_malformed_dossier_names_the_field(change, field):
    with pytest.raises(p.ProtocolError, match=field):
        p.parse_dossier(_item(**change))


def test_an_update_is_checked_before_the_portal_applies_it():
    update = p.StatusUpdate(dossier_code="H20.01-261202-010001", sequence=2,
                            status=p.PROCESSING, at=datetime(2026, 12, 2, 9, 0, tzinfo=VN),
                            procedure_code="1.001193", agency_code="H20.01", channel="desk")
    body = update.to_json()
    assert body["KenhThucHien"] == p.CHANNEL_DESK
    assert p.check_update(body) == ("H20.01-261202-010001", 2, p.PROCESSING)
    for bad in ({**body, "SoThuTu": 0}, {**body, "SoThuTu": True}, {**body, "SoThuTu": "2"},
                {**body, "TrangThaiHoSo": "11"}, {**body, "ThoiDiemXuLy": ""}):
        with pytest.raises(p.ProtocolError):
            p.check_update(bad)

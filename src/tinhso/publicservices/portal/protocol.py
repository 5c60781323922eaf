"""The exchange with the national public service portal (Cổng Dịch vụ công quốc gia), as
data: field names, state codes and date format. Pure Python (no Django), tested alone.

The shape follows the data the national portal exchanges with a province's system for
handling procedures (Circular 04/2025/TT-VPCP, continuing the national portal's
synchronisation service): JSON objects with Vietnamese PascalCase keys, moments written
``yyyyMMddHHmmss`` in Vietnam time, a dossier status ``TrangThaiHoSo`` from a fixed list of
codes and answers ``{"error_code": "0", "message": …}``. The mapping from our fields is in
``docs/public-services.md``; this module is the one place that knows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MOMENT_FORMAT = "%Y%m%d%H%M%S"
MOMENT_RE = re.compile(r"^\d{14}$")

#: TrangThaiHoSo: the national portal's dossier status codes.
NEW = "1"                # Mới đăng ký
RECEIVED = "2"           # Được tiếp nhận
NOT_RECEIVED = "3"       # Không được tiếp nhận
PROCESSING = "4"         # Đang xử lý
SUPPLEMENT = "5"         # Yêu cầu bổ sung giấy tờ
FINANCIAL = "6"          # Yêu cầu thực hiện nghĩa vụ tài chính (not used by us)
WITHDRAWN = "7"          # Công dân yêu cầu rút hồ sơ
STOPPED = "8"            # Dừng xử lý
RESOLVED = "9"           # Đã xử lý xong
RETURNED = "10"          # Đã trả kết quả
STATUS_CODES = frozenset({NEW, RECEIVED, NOT_RECEIVED, PROCESSING, SUPPLEMENT, FINANCIAL,
                          WITHDRAWN, STOPPED, RESOLVED, RETURNED})

#: KenhThucHien: how the dossier was filed.
CHANNEL_DESK = "1"       # Trực tiếp
CHANNEL_ONLINE = "2"     # Trực tuyến
CHANNEL_POST = "3"       # Qua dịch vụ bưu chính công ích

#: LoaiDoiTuong: who applies.
APPLICANT_PERSON = "1"   # Công dân
APPLICANT_ORG = "2"      # Doanh nghiệp / tổ chức

#: Our states before reception: a change between them is not yet a received dossier.
_BEFORE_RECEPTION = frozenset({"", "draft", "submitted", "incomplete"})


def status_code(from_state: str, to_state: str) -> str:
    """The TrangThaiHoSo for one of our transitions (states are DossierState values)."""
    if to_state == "submitted":
        return NEW
    if to_state == "incomplete":
        return SUPPLEMENT
    if to_state == "processing":
        return RECEIVED if from_state in _BEFORE_RECEPTION else PROCESSING
    if to_state == "supplement":
        return SUPPLEMENT
    if to_state == "resolved":
        return RESOLVED
    if to_state == "returned":
        return RETURNED
    if to_state == "refused":
        return NOT_RECEIVED if from_state in _BEFORE_RECEPTION else STOPPED
    if to_state == "withdrawn":
        return WITHDRAWN
    raise ValueError(f"no national status for the state {to_state!r}")


def channel_code(channel: str) -> str:
    return CHANNEL_DESK if channel == "desk" else CHANNEL_ONLINE


def moment(value: datetime | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time; empty for no moment."""
    if value is None:
        return ""
    if value.tzinfo is None:
        raise ValueError("moments exchanged with the portal must be aware")
    return value.astimezone(VIETNAM).strftime(MOMENT_FORMAT)


def parse_moment(text: str) -> datetime:
    """The aware moment of a ``yyyyMMddHHmmss`` string (Vietnam time); ValueError else."""
    if not isinstance(text, str) or not MOMENT_RE.match(text):
        raise ValueError(f"not a yyyyMMddHHmmss moment: {text!r}"[:80])
    try:
        return datetime.strptime(text, MOMENT_FORMAT).replace(tzinfo=VIETNAM)
    except ValueError:
        raise ValueError(f"not a yyyyMMddHHmmss moment: {text!r}") from None


@dataclass(frozen=True)
class StatusUpdate:
    """One state change pushed to the portal. (MaHoSo, SoThuTu) is its identity: the portal
    applies each pair once, so a resend after a lost answer changes nothing."""

    dossier_code: str
    sequence: int
    status: str
    at: datetime
    procedure_code: str
    agency_code: str
    channel: str
    national_id: str = ""
    received_at: datetime | None = None
    due_at: datetime | None = None
    finished_at: datetime | None = None
    handler: str = ""
    note: str = ""

    def to_json(self) -> dict:
        return {
            "MaHoSo": self.dossier_code,
            "SoThuTu": self.sequence,
            "MaHoSoQG": self.national_id,
            "MaTTHC": self.procedure_code,
            "MaDonVi": self.agency_code,
            "KenhThucHien": channel_code(self.channel),
            "TrangThaiHoSo": self.status,
            "ThoiDiemXuLy": moment(self.at),
            "NgayTiepNhan": moment(self.received_at),
            "NgayHenTra": moment(self.due_at),
            "NgayKetThucXuLy": moment(self.finished_at),
            "NguoiXuLy": self.handler[:200],
            "NoiDungXuLy": self.note[:2000],
        }


@dataclass(frozen=True)
class PortalDossier:
    """A dossier submitted on the national portal, as it reaches us (parsed and checked)."""

    dossier_code: str
    national_id: str
    procedure_code: str
    agency_code: str
    submitted_at: datetime
    applicant_kind: str          # "person" / "organization"
    applicant_name: str
    applicant_id_number: str = ""
    applicant_tax_code: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    summary: str = ""
    papers: tuple[str, ...] = ()
    form_data: dict = field(default_factory=dict)


class ProtocolError(ValueError):
    """A payload from the portal that does not have the agreed shape."""


def _text(item: dict, key: str, limit: int, *, required: bool = False) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ProtocolError(f"{key}: not a string")
    value = value.strip()
    if required and not value:
        raise ProtocolError(f"{key}: missing")
    if len(value) > limit:
        raise ProtocolError(f"{key}: longer than {limit}")
    return value


def parse_dossier(item: dict) -> PortalDossier:
    """Check one dossier of the portal's list; ProtocolError names the field."""
    if not isinstance(item, dict):
        raise ProtocolError("dossier: not an object")
    kind = _text(item, "LoaiDoiTuong", 2) or APPLICANT_PERSON
    if kind not in (APPLICANT_PERSON, APPLICANT_ORG):
        raise ProtocolError("LoaiDoiTuong: unknown")
    try:
        submitted_at = parse_moment(item.get("NgayNopHoSo", ""))
    except ValueError as error:
        raise ProtocolError(f"NgayNopHoSo: {error}") from None
    papers = item.get("TaiLieuNop")
    papers = [] if papers is None else papers
    if not isinstance(papers, list) or len(papers) > 100:
        raise ProtocolError("TaiLieuNop: not a list of at most 100 papers")
    names = []
    for paper in papers:
        if not isinstance(paper, dict):
            raise ProtocolError("TaiLieuNop: not an object")
        names.append(_text(paper, "TenGiayTo", 500, required=True))
    form = item.get("DuLieuBieuMau")
    form = {} if form is None else form
    if not isinstance(form, dict) or len(form) > 100:
        raise ProtocolError("DuLieuBieuMau: not an object of at most 100 fields")
    return PortalDossier(
        dossier_code=_text(item, "MaHoSo", 40, required=True),
        national_id=_text(item, "MaHoSoQG", 64, required=True),
        procedure_code=_text(item, "MaTTHC", 30, required=True),
        agency_code=_text(item, "MaDonVi", 20, required=True),
        submitted_at=submitted_at,
        applicant_kind="organization" if kind == APPLICANT_ORG else "person",
        applicant_name=_text(item, "ChuHoSo", 200, required=True),
        applicant_id_number=_text(item, "SoGiayToChuHoSo", 12),
        applicant_tax_code=_text(item, "MaSoThue", 14),
        applicant_phone=_text(item, "SoDienThoai", 15),
        applicant_email=_text(item, "Email", 254),
        applicant_address=_text(item, "DiaChi", 255),
        summary=_text(item, "TrichYeuHoSo", 1000),
        papers=tuple(names),
        form_data={str(k)[:100]: v for k, v in form.items()},
    )


def dossier_json(d: PortalDossier) -> dict:
    """The portal's JSON for a dossier (what the simulator serves)."""
    return {
        "MaHoSo": d.dossier_code, "MaHoSoQG": d.national_id, "MaTTHC": d.procedure_code,
        "MaDonVi": d.agency_code, "NgayNopHoSo": moment(d.submitted_at),
        "LoaiDoiTuong": APPLICANT_ORG if d.applicant_kind == "organization"
        else APPLICANT_PERSON,
        "ChuHoSo": d.applicant_name, "SoGiayToChuHoSo": d.applicant_id_number,
        "MaSoThue": d.applicant_tax_code, "SoDienThoai": d.applicant_phone,
        "Email": d.applicant_email, "DiaChi": d.applicant_address,
        "TrichYeuHoSo": d.summary, "KenhThucHien": CHANNEL_ONLINE,
        "TaiLieuNop": [{"TenGiayTo": name} for name in d.papers],
        "DuLieuBieuMau": d.form_data,
    }


def check_update(body: dict) -> tuple[str, int, str]:
    """The identity and status of a pushed update; ProtocolError for a malformed one."""
    if not isinstance(body, dict):
        raise ProtocolError("body: not an object")
    code = _text(body, "MaHoSo", 40, required=True)
    sequence = body.get("SoThuTu")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 1 <= sequence <= 10**6:
        raise ProtocolError("SoThuTu: not a positive integer")
    status = body.get("TrangThaiHoSo")
    if status not in STATUS_CODES:
        raise ProtocolError("TrangThaiHoSo: unknown")
    try:
        parse_moment(body.get("ThoiDiemXuLy", ""))
    except ValueError as error:
        raise ProtocolError(f"ThoiDiemXuLy: {error}") from None
    return code, sequence, status

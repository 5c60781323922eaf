"""Reference data of Decree 30/2020/NĐ-CP on clerical work, and the number-symbol format.

Pure Python (no Django): tested alone, used by models (choices), services and the bench.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentType:
    code: str          # stable identifier in the database
    name: str          # Vietnamese name, as the decree writes it
    abbreviation: str  # Appendix III; empty for a công văn (and a thư công)
    #: May be issued as a legal-normative document (văn bản quy phạm pháp luật) by a
    #: People's Council / People's Committee: numbered in its own series, with the year.
    may_be_legal: bool = False


#: The 29 administrative document types of Art. 7, with Appendix III's abbreviations.
DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("nghi_quyet", "Nghị quyết", "NQ", may_be_legal=True),
    DocumentType("quyet_dinh", "Quyết định", "QĐ", may_be_legal=True),
    DocumentType("chi_thi", "Chỉ thị", "CT"),
    DocumentType("quy_che", "Quy chế", "QC"),
    DocumentType("quy_dinh", "Quy định", "QyĐ"),
    DocumentType("thong_cao", "Thông cáo", "TC"),
    DocumentType("thong_bao", "Thông báo", "TB"),
    DocumentType("huong_dan", "Hướng dẫn", "HD"),
    DocumentType("chuong_trinh", "Chương trình", "CTr"),
    DocumentType("ke_hoach", "Kế hoạch", "KH"),
    DocumentType("phuong_an", "Phương án", "PA"),
    DocumentType("de_an", "Đề án", "ĐA"),
    DocumentType("du_an", "Dự án", "DA"),
    DocumentType("bao_cao", "Báo cáo", "BC"),
    DocumentType("bien_ban", "Biên bản", "BB"),
    DocumentType("to_trinh", "Tờ trình", "TTr"),
    DocumentType("hop_dong", "Hợp đồng", "HĐ"),
    DocumentType("cong_van", "Công văn", ""),
    DocumentType("cong_dien", "Công điện", "CĐ"),
    DocumentType("ban_ghi_nho", "Bản ghi nhớ", "GN"),
    DocumentType("ban_thoa_thuan", "Bản thỏa thuận", "TTh"),
    DocumentType("giay_uy_quyen", "Giấy ủy quyền", "GUQ"),
    DocumentType("giay_moi", "Giấy mời", "GM"),
    DocumentType("giay_gioi_thieu", "Giấy giới thiệu", "GGT"),
    DocumentType("giay_nghi_phep", "Giấy nghỉ phép", "GNP"),
    DocumentType("phieu_gui", "Phiếu gửi", "PG"),
    DocumentType("phieu_chuyen", "Phiếu chuyển", "PC"),
    DocumentType("phieu_bao", "Phiếu báo", "PB"),
    DocumentType("thu_cong", "Thư công", ""),
)
TYPES_BY_CODE = {t.code: t for t in DOCUMENT_TYPES}
CONG_VAN = "cong_van"
assert len(DOCUMENT_TYPES) == 29


def document_type(code: str) -> DocumentType:
    return TYPES_BY_CODE[code]


class Urgency(enum.StrEnum):
    """Art. 8 / Appendix I: mức độ khẩn."""

    NORMAL = "thuong"
    URGENT = "khan"              # Khẩn
    VERY_URGENT = "thuong_khan"  # Thượng khẩn
    FLASH = "hoa_toc"            # Hỏa tốc


class Confidentiality(enum.StrEnum):
    """Law on the Protection of State Secrets 2018: độ mật."""

    NORMAL = "thuong"
    SECRET = "mat"               # Mật
    TOP_SECRET = "toi_mat"       # Tối mật
    ULTRA_SECRET = "tuyet_mat"   # Tuyệt mật


SECRET_LEVELS = frozenset({Confidentiality.SECRET, Confidentiality.TOP_SECRET,
                           Confidentiality.ULTRA_SECRET})
URGENCY_LABELS = {Urgency.NORMAL: "Thường", Urgency.URGENT: "Khẩn",
                  Urgency.VERY_URGENT: "Thượng khẩn", Urgency.FLASH: "Hỏa tốc"}
CONFIDENTIALITY_LABELS = {Confidentiality.NORMAL: "Thường", Confidentiality.SECRET: "Mật",
                          Confidentiality.TOP_SECRET: "Tối mật",
                          Confidentiality.ULTRA_SECRET: "Tuyệt mật"}

#: Authority prefixes before the signer's title (Art. 13).
AUTHORITY_PREFIXES = {
    "": "",
    "TM.": "TM. — thay mặt tập thể",
    "KT.": "KT. — ký thay người đứng đầu",
    "Q.": "Q. — quyền",
    "TL.": "TL. — thừa lệnh",
    "TUQ.": "TUQ. — thừa ủy quyền",
}

_ABBR = re.compile(r"^[A-ZĐ][A-Za-zĐđ0-9]{0,14}$")


def valid_abbreviation(text: str) -> bool:
    """An agency's or unit's abbreviation: letters and digits (UBND, SCT, KT, VP)."""
    return bool(_ABBR.match(text or ""))


def series_key(*, agency: str, secret: bool, legal_type: str = "") -> str:
    """The number series a document is counted in (per agency register, per year):
    secret documents and each type of legal-normative document have their own series,
    every other document shares the agency's ordinary series (Art. 15, Appendix VI)."""
    if legal_type:
        return f"documents:{agency}:qppl:{legal_type}"
    if secret:
        return f"documents:{agency}:mat"
    return f"documents:{agency}:out"


def format_number(number: int) -> str:
    """Numbers below 10 take a leading zero (Art. 15: "01, 02 …")."""
    if number < 1:
        raise ValueError("document numbers start at 1")
    return f"{number:02d}"


def number_symbol(*, number: int, type_code: str, agency: str, unit: str = "",
                  year: int | None = None, legal: bool = False) -> str:
    """The number-symbol (số, ký hiệu) of an issued document — the ONE place it is built.

    - a typed document: ``05/QĐ-UBND``, ``124/BC-SCT``;
    - a công văn (no type abbreviation): the agency's and the drafting unit's
      abbreviations, ``37/UBND-KT`` (``37/UBND`` without a unit);
    - a legal-normative document carries the year: ``05/2026/QĐ-UBND``.
    """
    doc_type = TYPES_BY_CODE[type_code]
    if not valid_abbreviation(agency) or (unit and not valid_abbreviation(unit)):
        raise ValueError(f"bad abbreviation {agency!r}/{unit!r}")
    head = format_number(number)
    if legal:
        if not doc_type.may_be_legal or year is None:
            raise ValueError(f"{doc_type.name} cannot be a legal-normative document")
        return f"{head}/{year}/{doc_type.abbreviation}-{agency}"
    if not doc_type.abbreviation:
        return f"{head}/{agency}-{unit}" if unit else f"{head}/{agency}"
    return f"{head}/{doc_type.abbreviation}-{agency}"


def normalise_number_symbol(text: str) -> str:
    """For comparing number-symbols typed by people: no spaces, upper case, ``Đ`` kept,
    "Số:" dropped, leading zeros of the number ignored (``5/QĐ-UBND`` = ``05/QĐ-UBND``)."""
    value = re.sub(r"\s+", "", text or "").upper()
    value = re.sub(r"^SỐ:?", "", value)
    head, _, rest = value.partition("/")
    if head.isdigit():
        head = str(int(head))
    return f"{head}/{rest}" if rest else head

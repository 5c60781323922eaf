"""The procedure catalogue file: columns and cell formats (pure Python, no Django).

The layout follows the national public service portal's list of procedures (Danh sách
thủ tục hành chính), one procedure per row, with a header row. Columns are found by
their header (case and accents as below, extra spaces ignored; order does not matter;
other columns are ignored):

======================================  ============  ====================================
header                                  field         cell
======================================  ============  ====================================
Mã thủ tục                              code          the national code, e.g. 1.001193
Tên thủ tục                             name          text
Lĩnh vực                                field         text
Cấp thực hiện                           level         "Cấp tỉnh" / "Cấp xã" (also "Tỉnh",
                                                      "Xã", "province", "commune")
Cơ quan thực hiện                       receiving     text (optional)
Cơ quan có thẩm quyền                   deciding      text (optional)
Thời hạn giải quyết                     days          working days: "15", "0,5", "15 ngày
                                                      làm việc"
Phí, lệ phí                             fee           "50.000 đồng", "Không" (0); the cell
                                                      is kept as the fee note
Kết quả thực hiện                       result        text (optional)
Mức độ                                  online        "Toàn trình" / "Một phần" / other:
                                                      not online (optional)
Căn cứ pháp lý                          legal basis   text (optional)
Thành phần hồ sơ                        papers        one paper per line:
                                                      ``name | copies | form | template``
                                                      (form: Bản chính, Bản sao, Bản sao
                                                      chứng thực, Bản chính hoặc bản sao)
Quy trình nội bộ                        steps         optional; ``name: days`` separated by
                                                      ";" or new lines (days in halves,
                                                      "4,5"); without it the steps are
                                                      `default_steps` of the legal time
======================================  ============  ====================================
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

COLUMNS: dict[str, str] = {
    "code": "Mã thủ tục",
    "name": "Tên thủ tục",
    "field": "Lĩnh vực",
    "level": "Cấp thực hiện",
    "receiving_agency": "Cơ quan thực hiện",
    "deciding_agency": "Cơ quan có thẩm quyền",
    "processing_days": "Thời hạn giải quyết",
    "fee": "Phí, lệ phí",
    "result": "Kết quả thực hiện",
    "online_level": "Mức độ",
    "legal_basis": "Căn cứ pháp lý",
    "papers": "Thành phần hồ sơ",
    "steps": "Quy trình nội bộ",
}
REQUIRED_COLUMNS = ("code", "name", "field", "level", "processing_days")


class CellError(ValueError):
    """A cell that cannot be read: ``column`` (a key of COLUMNS) and the value."""

    def __init__(self, column: str, value: str):
        super().__init__(f"{column}: {value!r}")
        self.column = column
        self.value = value


@dataclass(frozen=True)
class Paper:
    name: str
    copies: int = 1
    form: str = "original"
    template_name: str = ""


@dataclass(frozen=True)
class Step:
    kind: str
    name: str
    half_days: int


@dataclass
class ProcedureRow:
    code: str
    name: str
    field: str
    level: str
    processing_days: Decimal
    receiving_agency: str = ""
    deciding_agency: str = ""
    fee_vnd: int = 0
    fee_note: str = ""
    result: str = ""
    online_level: str = "none"
    legal_basis: str = ""
    papers: list[Paper] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).lower().split())


def header_map(headers: list[str]) -> dict[str, int]:
    """``{field: column index}`` for the headers present."""
    wanted = {_key(title): name for name, title in COLUMNS.items()}
    return {wanted[_key(h)]: i for i, h in enumerate(headers) if _key(h) in wanted}


def _plain(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching words."""
    text = unicodedata.normalize("NFD", _key(text).replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def parse_level(value: str) -> str:
    plain = _plain(value)
    if "tinh" in plain or plain == "province":
        return "province"
    if "xa" in plain or "phuong" in plain or plain == "commune":
        return "commune"
    raise CellError("level", value)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_days(value: str) -> Decimal:
    """Working days, in halves: "15", "0,5", "4.5 ngày làm việc"."""
    match = _NUMBER.search(str(value or ""))
    if not match:
        raise CellError("processing_days", str(value))
    try:
        days = Decimal(match.group().replace(",", "."))
    except InvalidOperation as error:
        raise CellError("processing_days", str(value)) from error
    if days < Decimal("0.5") or days > 365 or (days * 2) % 1:
        raise CellError("processing_days", str(value))
    return days


def parse_fee(value: str) -> int:
    """VND from "50.000 đồng", "50,000", "Không" or empty (0); the first amount counts."""
    text = str(value or "").strip()
    match = re.search(r"\d{1,3}(?:[.,]\d{3})+|\d+", text)
    if not match:
        return 0
    amount = int(re.sub(r"[.,]", "", match.group()))
    if amount > 10**12:
        raise CellError("fee", text)
    return amount


def parse_online_level(value: str) -> str:
    plain = _plain(value)
    if "toan trinh" in plain or plain in ("full", "4"):
        return "full"
    if "mot phan" in plain or plain in ("partial", "3"):
        return "partial"
    return "none"


_FORMS = [("ban chinh hoac ban sao", "original_or_copy"), ("chung thuc", "certified_copy"),
          ("ban sao", "copy"), ("ban chinh", "original")]


def parse_papers(value: str) -> list[Paper]:
    papers = []
    for line in str(value or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        name = parts[0].lstrip("-•+* ").strip()
        if not name:
            continue
        copies = 1
        if len(parts) > 1 and parts[1]:
            if not parts[1].isdigit() or not 0 < int(parts[1]) < 100:
                raise CellError("papers", line)
            copies = int(parts[1])
        form = "original"
        if len(parts) > 2 and parts[2]:
            plain = _plain(parts[2])
            form = next((code for words, code in _FORMS if words in plain), "")
            if not form:
                raise CellError("papers", line)
        template = parts[3] if len(parts) > 3 else ""
        if len(name) > 500 or len(template) > 255:
            raise CellError("papers", line)
        papers.append(Paper(name, copies, form, template))
    return papers


_KINDS = [("tiep nhan", "reception"), ("phan cong", "assignment"), ("tham dinh", "appraisal"),
          ("xu ly", "appraisal"), ("truong phong", "review"), ("kiem tra", "review"),
          ("lanh dao", "approval"), ("phe duyet", "approval"), ("ky", "approval")]


def step_kind(name: str) -> str:
    plain = _plain(name)
    return next((kind for words, kind in _KINDS if words in plain), "other")


def parse_steps(value: str) -> list[Step]:
    steps = []
    for part in re.split(r"[;\n]", str(value or "")):
        if not part.strip():
            continue
        name, sep, days = part.rpartition(":")
        name = name.strip()
        if not sep or not name or len(name) > 255:
            raise CellError("steps", part)
        match = _NUMBER.search(days)
        if not match:
            raise CellError("steps", part)
        half = Decimal(match.group().replace(",", ".")) * 2
        if half % 1 or half > 730:
            raise CellError("steps", part)
        steps.append(Step(step_kind(name), name, int(half)))
    return steps


DEFAULT_STEP_NAMES = {
    "reception": "Tiếp nhận hồ sơ", "assignment": "Phân công xử lý",
    "appraisal": "Thẩm định, xử lý hồ sơ", "review": "Trưởng phòng xem xét",
    "approval": "Lãnh đạo phê duyệt",
}


def default_steps(half_days: int) -> list[Step]:
    """The usual internal process when the file gives none: reception, assignment, head's
    review and leader's approval get one session each and appraisal the rest; a short
    time limit drops the fixed shares to zero (outer steps first) so appraisal keeps at
    least one session. The shares always add up to the legal time."""
    fixed = {"reception": 1, "assignment": 1, "review": 1, "approval": 1}
    for kind in ("assignment", "review", "reception", "approval"):
        if sum(fixed.values()) < half_days:
            break
        fixed[kind] = 0
    appraisal = half_days - sum(fixed.values())
    order = ["reception", "assignment", "appraisal", "review", "approval"]
    shares = {**fixed, "appraisal": appraisal}
    return [Step(kind, DEFAULT_STEP_NAMES[kind], shares[kind]) for kind in order]


def parse_row(cells: dict[str, str]) -> ProcedureRow:
    """One row (``{field: cell text}``) → `ProcedureRow`; raise `CellError` on a bad cell."""
    def text(name: str, limit: int, *, required: bool = False) -> str:
        value = " ".join(str(cells.get(name) or "").split()) if name not in (
            "legal_basis", "result") else str(cells.get(name) or "").strip()
        if (required and not value) or len(value) > limit:
            raise CellError(name, value[:60])
        return value

    days = parse_days(cells.get("processing_days", ""))
    steps = parse_steps(cells.get("steps", ""))
    if steps and sum(s.half_days for s in steps) > int(days * 2):
        raise CellError("steps", str(cells.get("steps"))[:60])
    return ProcedureRow(
        code=text("code", 30, required=True),
        name=text("name", 500, required=True),
        field=text("field", 200, required=True),
        level=parse_level(cells.get("level", "")),
        processing_days=days,
        receiving_agency=text("receiving_agency", 500),
        deciding_agency=text("deciding_agency", 500),
        fee_vnd=parse_fee(cells.get("fee", "")),
        fee_note=str(cells.get("fee") or "").strip()[:2000],
        result=text("result", 5000),
        online_level=parse_online_level(cells.get("online_level", "")),
        legal_basis=text("legal_basis", 10000),
        papers=parse_papers(cells.get("papers", "")),
        steps=steps or default_steps(int(days * 2)),
    )

"""Normalisers for the identifiers people type: tax codes, citizen IDs, phones, plates.

Every identifier is normalised once, at the edge (form, API schema, import), by one of
the ``normalize_*`` functions below. Each returns the canonical form or raises
:class:`InvalidValue`, which names the field, carries a machine-readable code
(:class:`ErrorCode`) and a message translated from the code (English template here,
Vietnamese in the ``.po`` catalogue).

Pure Python: no Django import, so forms, ninja schemas, services and engines can all
use it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

import phonenumbers
from stdnum import exceptions as stdnum_exceptions
from stdnum.vn import mst

from tinhso.core.translatable import Text, TranslatedMessage, gettext_noop

__all__ = [
    "CN_PROVINCE_ABBREVIATIONS",
    "CITIZEN_ID_PROVINCE_CODES",
    "VN_PLATE_PROVINCE_CODES",
    "ERROR_CODES",
    "CitizenIdInfo",
    "ErrorCode",
    "InvalidValue",
    "invalid_value",
    "normalize_citizen_id",
    "normalize_cn_plate",
    "normalize_mobile",
    "normalize_plate",
    "normalize_tax_code",
    "normalize_vn_plate",
    "parse_citizen_id",
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "STORABLE_FROM",
    "STORABLE_UNTIL",
    "check_date_in_window",
    "check_datetime_in_window",
    "check_text",
]


class ErrorCode(StrEnum):
    """Machine codes of the validation errors; the text shown to a person comes from these."""

    REQUIRED = "required"
    TAX_CODE_LENGTH = "tax_code.length"
    TAX_CODE_CHECKSUM = "tax_code.checksum"
    TAX_CODE_FORMAT = "tax_code.format"
    CITIZEN_ID_LENGTH = "citizen_id.length"
    CITIZEN_ID_FORMAT = "citizen_id.format"
    CITIZEN_ID_PROVINCE = "citizen_id.province"
    CITIZEN_ID_BIRTH_YEAR = "citizen_id.birth_year"
    PHONE_FORMAT = "phone.format"
    PHONE_NOT_MOBILE = "phone.not_mobile"
    PLATE_FORMAT = "plate.format"
    PLATE_PROVINCE = "plate.province"
    PLATE_SERIES = "plate.series"
    PLATE_CN_FORMAT = "plate.cn_format"
    PLATE_UNKNOWN_FORMAT = "plate.unknown_format"
    AMOUNT_FORMAT = "amount.format"
    YEAR_RANGE = "date.year_range"
    CONTROL_CHARACTERS = "text.control_characters"


#: Every code a normaliser here (or :mod:`tinhso.core.money`) can raise.
ERROR_CODES: frozenset[str] = frozenset(ErrorCode)

#: English message template per code: the gettext msgid (the Vietnamese is in the ``.po``
#: catalogue); ``{...}`` placeholders are filled from the keyword arguments given to
#: :func:`invalid_value`.
MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.REQUIRED: gettext_noop("This value is required."),
    ErrorCode.TAX_CODE_LENGTH: gettext_noop(
        "A tax code has 10 digits, 10 digits plus a branch number (0100233488-001) "
        "or 12 digits (personal identification number)."
    ),
    ErrorCode.TAX_CODE_CHECKSUM: gettext_noop("The tax code is not valid (wrong check digit)."),
    ErrorCode.TAX_CODE_FORMAT: gettext_noop(
        "A tax code contains only digits, like 0100233488 or 0100233488-001."
    ),
    ErrorCode.CITIZEN_ID_LENGTH: gettext_noop("A citizen ID number has exactly 12 digits."),
    ErrorCode.CITIZEN_ID_FORMAT: gettext_noop("A citizen ID number contains only digits."),
    ErrorCode.CITIZEN_ID_PROVINCE: gettext_noop(
        "Province code {code} in the citizen ID number does not exist."
    ),
    ErrorCode.CITIZEN_ID_BIRTH_YEAR: gettext_noop(
        "Birth year {year} in the citizen ID number is not possible."
    ),
    ErrorCode.PHONE_FORMAT: gettext_noop(
        "Not a valid Vietnamese mobile number (for example 0912 345 678)."
    ),
    ErrorCode.PHONE_NOT_MOBILE: gettext_noop("Please enter a mobile number, not a landline."),
    ErrorCode.PLATE_FORMAT: gettext_noop(
        "Not a valid Vietnamese plate (for example 12C-123.45, 12R-012.34)."
    ),
    ErrorCode.PLATE_PROVINCE: gettext_noop("Province code {code} on the plate does not exist."),
    ErrorCode.PLATE_SERIES: gettext_noop("Plate series {series} is not valid."),
    ErrorCode.PLATE_CN_FORMAT: gettext_noop("Not a valid Chinese plate (for example 桂A12345)."),
    ErrorCode.PLATE_UNKNOWN_FORMAT: gettext_noop(
        "The plate is neither a Vietnamese (12C-123.45) nor a Chinese (桂A12345) plate."
    ),
    ErrorCode.AMOUNT_FORMAT: gettext_noop("Not a valid amount in VND (for example 1.234.567 ₫)."),
    ErrorCode.YEAR_RANGE: gettext_noop("The year must be between {earliest} and {latest}."),
    ErrorCode.CONTROL_CHARACTERS: gettext_noop(
        "Contains characters that cannot be stored (control characters or broken Unicode)."
    ),
}


class InvalidValue(TranslatedMessage, ValueError):
    """Bad input for one field: the field, a machine code, and an English template with its
    parameters, translated when the message is shown (:meth:`message`)."""

    def __init__(
        self, field: str, code: str, template: str, params: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(field, str(code), template, dict(params or {}))  # so it pickles
        self.field = field
        self.code = code
        self.text = Text(template, params)

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"

    def __repr__(self) -> str:
        return f"InvalidValue(field={self.field!r}, code={self.code!r})"


def invalid_value(field: str, error: ErrorCode, **params: object) -> InvalidValue:
    """The InvalidValue for ``error`` on ``field``; ``params`` fill the template."""
    return InvalidValue(field, error, MESSAGES[error], params)


def _text(value: object, field: str) -> str:
    """NFKC-normalised, stripped text (full-width digits become ASCII); raise if empty."""
    if value is None:
        raise invalid_value(field, ErrorCode.REQUIRED)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise invalid_value(field, ErrorCode.REQUIRED)
    return text


# ---------------------------------------------------------------------------
# Bounds every input keeps, whatever the field: the edge refuses the rest
# ---------------------------------------------------------------------------

#: Dates and times people, cameras and banks send must fall in these years (as written,
#: in their own time zone). Far enough from today for any real plan or record; near enough
#: that date arithmetic (a day after, an hour before, UTC) can never overflow. The
#: database's check constraints (`STORABLE_FROM`/`STORABLE_UNTIL`) back it.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
#: The instants a row may store: the window above in UTC, widened by a day on each side for
#: the time zones a moment may be written in (UTC-12 to UTC+14).
STORABLE_FROM = datetime(EARLIEST_YEAR - 1, 12, 31, tzinfo=UTC)
STORABLE_UNTIL = datetime(LATEST_YEAR + 1, 1, 2, tzinfo=UTC)

# Control characters other than tab, line feed and carriage return (C0, DEL, C1) and lone
# surrogates (a JSON "\ud800" decodes to one): PostgreSQL refuses NUL, UTF-8 refuses
# surrogates, and no person types either.
_FORBIDDEN_CHARACTERS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_text(value: str, field: str) -> str:
    """``value`` unchanged if it holds no control character or lone surrogate."""
    if _FORBIDDEN_CHARACTERS_RE.search(value):
        raise invalid_value(field, ErrorCode.CONTROL_CHARACTERS)
    return value


def _year_error(field: str) -> InvalidValue:
    return invalid_value(field, ErrorCode.YEAR_RANGE, earliest=EARLIEST_YEAR, latest=LATEST_YEAR)


def check_datetime_in_window(moment: datetime, field: str) -> datetime:
    """``moment`` unchanged if its year (as written) is in the window, else InvalidValue."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise _year_error(field)
    return moment


def check_date_in_window(day: date, field: str) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise _year_error(field)
    return day


_SEPARATORS_RE = re.compile(r"[\s.\-·•_/]+")
_DIGITS_RE = re.compile(r"[0-9]+")


# ---------------------------------------------------------------------------
# Citizen ID (CCCD)
# ---------------------------------------------------------------------------

#: Province codes of the 12-digit citizen ID (Circular 07/2016/TT-BCA, appendix), one per
#: province as of 2016. Cards issued before the July 2025 merger keep their numbers, and
#: new numbers still use these codes, so all 63 stay valid.
CITIZEN_ID_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CitizenIdInfo:
    """What a citizen ID number tells about its holder."""

    province_code: str  # '020' for Lạng Sơn
    gender: str  # 'male' or 'female'
    birth_year: int


def parse_citizen_id(
    value: str, field: str = "citizen_id", *, today: date | None = None
) -> CitizenIdInfo:
    """Decode a 12-digit citizen ID: province (3), century+gender (1), birth year (2), serial.

    The century/gender digit is 0/1 for the 1900s (male/female), 2/3 for the 2000s,
    4/5 for the 2100s, 6/7 for the 2200s, 8/9 for the 2300s. Raises
    :class:`InvalidValue` on a wrong length, an unknown province or a birth year after
    ``today`` (default: ``date.today()``).
    """
    text = _SEPARATORS_RE.sub("", _text(value, field))
    if not _DIGITS_RE.fullmatch(text):
        raise invalid_value(field, ErrorCode.CITIZEN_ID_FORMAT)
    if len(text) != 12:
        raise invalid_value(field, ErrorCode.CITIZEN_ID_LENGTH)
    province = text[:3]
    if province not in CITIZEN_ID_PROVINCE_CODES:
        raise invalid_value(field, ErrorCode.CITIZEN_ID_PROVINCE, code=province)
    century_gender = int(text[3])
    birth_year = 1900 + 100 * (century_gender // 2) + int(text[4:6])
    today = today or date.today()  # noqa: DTZ011 - a local calendar date is what is meant
    if birth_year > today.year:
        raise invalid_value(field, ErrorCode.CITIZEN_ID_BIRTH_YEAR, year=birth_year)
    gender = "female" if century_gender % 2 else "male"
    return CitizenIdInfo(province_code=province, gender=gender, birth_year=birth_year)


def normalize_citizen_id(
    value: str, field: str = "citizen_id", *, today: date | None = None
) -> str:
    """Return the 12-digit citizen ID (CCCD) without separators, or raise InvalidValue."""
    parse_citizen_id(value, field=field, today=today)
    return _SEPARATORS_RE.sub("", _text(value, field))


# ---------------------------------------------------------------------------
# Tax code (MST)
# ---------------------------------------------------------------------------


def normalize_tax_code(value: str, field: str = "tax_code", *, today: date | None = None) -> str:
    """Return the canonical Vietnamese tax code, or raise InvalidValue.

    Accepted forms:

    * 10 digits with the check digit (enterprises, ``stdnum.vn.mst``): ``0100233488``;
    * 10 + 3 digits for a branch: ``0100233488-001`` (also typed ``0100233488 001``
      or ``0100233488001``), canonical with a dash;
    * 12 digits: since 1 July 2025 the personal identification number (the citizen ID)
      is the tax code of individuals and household businesses; it is validated as a
      citizen ID.
    """
    text = _text(value, field)
    compact = _SEPARATORS_RE.sub("", text)
    if not _DIGITS_RE.fullmatch(compact):
        raise invalid_value(field, ErrorCode.TAX_CODE_FORMAT)
    head, dash, branch = text.rpartition("-")
    if dash and len(_SEPARATORS_RE.sub("", head)) == 10:
        # Written as a branch code ("0100233488-01"): never read it as a 12-digit ID.
        if len(_SEPARATORS_RE.sub("", branch)) != 3:
            raise invalid_value(field, ErrorCode.TAX_CODE_LENGTH)
    elif len(compact) == 12:
        try:
            return normalize_citizen_id(compact, field=field, today=today)
        except InvalidValue as exc:
            # Keep the precise citizen-ID message, under the tax-code error code.
            raise InvalidValue(field, ErrorCode.TAX_CODE_FORMAT, exc.template, exc.params) from exc
    if len(compact) not in (10, 13):
        raise invalid_value(field, ErrorCode.TAX_CODE_LENGTH)
    try:
        mst.validate(compact)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise invalid_value(field, ErrorCode.TAX_CODE_CHECKSUM) from exc
    except stdnum_exceptions.InvalidLength as exc:
        raise invalid_value(field, ErrorCode.TAX_CODE_LENGTH) from exc
    except stdnum_exceptions.ValidationError as exc:
        # InvalidComponent: sequence 0000000 or branch 000.
        raise invalid_value(field, ErrorCode.TAX_CODE_FORMAT) from exc
    return compact if len(compact) == 10 else f"{compact[:10]}-{compact[10:]}"


# ---------------------------------------------------------------------------
# Mobile phone
# ---------------------------------------------------------------------------


def normalize_mobile(value: str, field: str = "phone") -> str:
    """Return a Vietnamese mobile number as ``0xxxxxxxxx`` (10 digits), or raise InvalidValue.

    Accepts ``+84``, ``84`` and ``0`` prefixes with spaces, dots, dashes or brackets.
    Landlines (``024 3826 1234``) and numbers outside the numbering plan are rejected.
    """
    text = _text(value, field)
    if not re.fullmatch(r"[(\s]*\+?[0-9 .\-()]+", text, flags=re.ASCII):
        raise invalid_value(field, ErrorCode.PHONE_FORMAT)
    digits = re.sub(r"[^0-9]", "", text)
    if "+" in text:
        candidate = "+" + digits
    elif digits.startswith("84") and len(digits) == 11:
        candidate = "+" + digits  # 84912345678, typed without the plus
    else:
        candidate = digits
    try:
        number = phonenumbers.parse(candidate, "VN")
    except phonenumbers.NumberParseException as exc:
        raise invalid_value(field, ErrorCode.PHONE_FORMAT) from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise invalid_value(field, ErrorCode.PHONE_FORMAT)
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise invalid_value(field, ErrorCode.PHONE_NOT_MOBILE)
    national = f"0{number.national_number}"
    if len(national) != 10:
        raise invalid_value(field, ErrorCode.PHONE_FORMAT)
    return national


# ---------------------------------------------------------------------------
# Vietnamese plates
# ---------------------------------------------------------------------------

#: Two-digit province codes on Vietnamese plates (Circular 24/2023/TT-BCA, Appendix 02,
#: kept by Circular 79/2024/TT-BCA). Codes 10, 13, 42, 44-46, 87, 91 and 96 are not
#: issued. 80 is issued by the Traffic Police Department for central agencies.
VN_PLATE_PROVINCE_CODES: dict[str, str] = {
    "11": "Cao Bằng", "12": "Lạng Sơn", "14": "Quảng Ninh", "15": "Hải Phòng",
    "16": "Hải Phòng", "17": "Thái Bình", "18": "Nam Định", "19": "Phú Thọ",
    "20": "Thái Nguyên", "21": "Yên Bái", "22": "Tuyên Quang", "23": "Hà Giang",
    "24": "Lào Cai", "25": "Lai Châu", "26": "Sơn La", "27": "Điện Biên",
    "28": "Hòa Bình", "29": "Hà Nội", "30": "Hà Nội", "31": "Hà Nội", "32": "Hà Nội",
    "33": "Hà Nội", "34": "Hải Dương", "35": "Ninh Bình", "36": "Thanh Hóa",
    "37": "Nghệ An", "38": "Hà Tĩnh", "39": "Đồng Nai", "40": "Hà Nội",
    "41": "Hồ Chí Minh", "43": "Đà Nẵng", "47": "Đắk Lắk", "48": "Đắk Nông",
    "49": "Lâm Đồng", "50": "Hồ Chí Minh", "51": "Hồ Chí Minh", "52": "Hồ Chí Minh",
    "53": "Hồ Chí Minh", "54": "Hồ Chí Minh", "55": "Hồ Chí Minh", "56": "Hồ Chí Minh",
    "57": "Hồ Chí Minh", "58": "Hồ Chí Minh", "59": "Hồ Chí Minh", "60": "Đồng Nai",
    "61": "Bình Dương", "62": "Long An", "63": "Tiền Giang", "64": "Vĩnh Long",
    "65": "Cần Thơ", "66": "Đồng Tháp", "67": "An Giang", "68": "Kiên Giang",
    "69": "Cà Mau", "70": "Tây Ninh", "71": "Bến Tre", "72": "Bà Rịa - Vũng Tàu",
    "73": "Quảng Bình", "74": "Quảng Trị", "75": "Thừa Thiên Huế", "76": "Quảng Ngãi",
    "77": "Bình Định", "78": "Phú Yên", "79": "Khánh Hòa", "80": "Cơ quan Trung ương",
    "81": "Gia Lai", "82": "Kon Tum", "83": "Sóc Trăng", "84": "Trà Vinh",
    "85": "Ninh Thuận", "86": "Bình Thuận", "88": "Vĩnh Phúc", "89": "Hưng Yên",
    "90": "Hà Nam", "92": "Quảng Nam", "93": "Bình Phước", "94": "Bạc Liêu",
    "95": "Hậu Giang", "97": "Bắc Kạn", "98": "Bắc Giang", "99": "Bắc Ninh",
}  # fmt: skip

#: Letters used as a one-letter series. I, J, O, Q and W are never issued alone (I/O/Q
#: read like digits); R is the trailer / semi-trailer series.
_SERIES_LETTERS = "ABCDEFGHKLMNPRSTUVXYZ"
#: Letters allowed in a two-letter series (LD, KT, RM, NG, NN, QT, CV, ...).
_SERIES_PAIR_LETTERS = _SERIES_LETTERS + "Q"

# Explicit separator between series and number: "29-B1 123.45", "12C-1234".
_VN_SEPARATED_RE = re.compile(r"([0-9]{2})[\s\-]*([A-Z]{1,2}[0-9]?)[\s\-]+([0-9]{4,5})", re.ASCII)
# No separator: a digit after the letters belongs to the number unless the number would
# then be too long ("12C11234" is 12C-112.34, "29B112345" is 29B1-123.45).
_VN_COMPACT_RE = re.compile(r"([0-9]{2})([A-Z]{1,2}[0-9]??)([0-9]{4,5})", re.ASCII)


def _split_vn_plate(text: str) -> tuple[str, str, str] | None:
    upper = text.upper().replace(".", "").replace("·", "")
    match = _VN_SEPARATED_RE.fullmatch(upper)
    if match is None:
        match = _VN_COMPACT_RE.fullmatch(re.sub(r"[\s\-]+", "", upper))
    if match is None:
        return None
    return match.group(1), match.group(2), match.group(3)


def normalize_vn_plate(value: str, field: str = "plate") -> str:
    """Return a Vietnamese plate in canonical form, or raise InvalidValue.

    Form: 2-digit province code, a series of 1-2 letters optionally followed by one
    digit (``C``, ``LD``, ``R``, ``RM``, ``B1``), then 4 or 5 digits. Canonical:
    ``12C-123.45`` (5 digits), ``12C-1234`` (4 digits, old plates stay valid),
    ``12R-012.34`` (trailer). Input may be lower-case, with or without dash, dots or
    spaces.
    """
    text = _text(value, field)
    parts = _split_vn_plate(text)
    if parts is None:
        raise invalid_value(field, ErrorCode.PLATE_FORMAT)
    province, series, number = parts
    if province not in VN_PLATE_PROVINCE_CODES:
        raise invalid_value(field, ErrorCode.PLATE_PROVINCE, code=province)
    letters = series.rstrip("0123456789")
    valid_series = (len(letters) == 1 and letters in _SERIES_LETTERS) or (
        len(letters) == 2 and all(ch in _SERIES_PAIR_LETTERS for ch in letters)
    )
    if not valid_series:
        raise invalid_value(field, ErrorCode.PLATE_SERIES, series=series)
    if len(number) == 5:
        number = f"{number[:3]}.{number[3:]}"
    return f"{province}{series}-{number}"


# ---------------------------------------------------------------------------
# Chinese plates
# ---------------------------------------------------------------------------

#: One-character abbreviations of the 31 mainland provinces, autonomous regions and
#: municipalities (桂 = Guangxi, the neighbour of Lạng Sơn).
CN_PROVINCE_ABBREVIATIONS = "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新"

_CN_ALNUM = "[A-HJ-NP-Z0-9]"  # I and O are not used on Chinese plates
_CN_PLATE_RE = re.compile(
    rf"[{CN_PROVINCE_ABBREVIATIONS}][A-HJ-NP-Z]"
    rf"(?:{_CN_ALNUM}{{5,6}}|{_CN_ALNUM}{{4}}[挂港澳学警])",
    re.ASCII,
)


def normalize_cn_plate(value: str, field: str = "plate") -> str:
    """Return a Chinese plate upper-case without separators (``桂A·12345`` → ``桂A12345``).

    Form: province abbreviation, city letter, then 5 letters/digits (6 for new-energy
    vehicles), or 4 followed by a suffix character (挂 for trailers, 港/澳 for
    cross-border Guangdong plates, 学, 警).
    """
    text = _SEPARATORS_RE.sub("", _text(value, field)).upper()
    if not _CN_PLATE_RE.fullmatch(text):
        raise invalid_value(field, ErrorCode.PLATE_CN_FORMAT)
    return text


def normalize_plate(value: str, field: str = "plate") -> str:
    """Normalise a Vietnamese or a Chinese plate; raise InvalidValue if it is neither.

    A Vietnamese-looking plate with a wrong province code or series keeps its specific
    error (the person meant a Vietnamese plate).
    """
    text = _text(value, field)
    try:
        return normalize_vn_plate(text, field=field)
    except InvalidValue as vn_error:
        if vn_error.code != ErrorCode.PLATE_FORMAT:
            raise
    try:
        return normalize_cn_plate(text, field=field)
    except InvalidValue:
        raise invalid_value(field, ErrorCode.PLATE_UNKNOWN_FORMAT) from None

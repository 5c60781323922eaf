from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.vn import mst

from tinhso.core.validators import (
    CITIZEN_ID_PROVINCE_CODES,
    CN_PROVINCE_ABBREVIATIONS,
    ERROR_CODES,
    VN_PLATE_PROVINCE_CODES,
    CitizenIdInfo,
    ErrorCode,
    InvalidValue,
    normalize_citizen_id,
    normalize_cn_plate,
    normalize_mobile,
    normalize_plate,
    normalize_tax_code,
    normalize_vn_plate,
    parse_citizen_id,
)

TODAY = date(2026, 1, 15)


# --- InvalidValue -----------------------------------------------------------------


def test_invalid_value_carries_field_code_and_both_messages():
    error = InvalidValue("plate", ErrorCode.PLATE_SERIES, "Plate series {series} is not valid.",
                         {"series": "IO"})
    assert isinstance(error, ValueError)
    assert (error.field, error.code) == ("plate", "plate.series")
    assert (error.template, error.params) == ("Plate series {series} is not valid.",
                                              {"series": "IO"})
    assert error.message("vi") == "Sê-ri IO trên biển số không hợp lệ."
    assert error.message("en") == "Plate series IO is not valid."
    assert error.message("en-us") == "Plate series IO is not valid."
    with translation.override("vi"):  # a request's language, Vietnamese unless chosen
        assert error.message() == "Sê-ri IO trên biển số không hợp lệ."
    with translation.override("en"):
        assert error.message() == "Plate series IO is not valid."
    assert str(error) == "Sê-ri IO trên biển số không hợp lệ. / Plate series IO is not valid."


def test_every_error_code_is_a_string():
    assert ErrorCode.TAX_CODE_CHECKSUM == "tax_code.checksum"
    assert all(isinstance(code, str) for code in ErrorCode)
    assert {"tax_code.length", "tax_code.checksum", "tax_code.format"} <= ERROR_CODES


# --- tax code -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0100233488", "0100233488"),
        (" 0100233488 ", "0100233488"),
        ("01.00.233.488", "0100233488"),
        ("0314409058-002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        ("0100233488 001", "0100233488-001"),
        ("0100233488 - 001", "0100233488-001"),
        ("０１００２３３４８８", "0100233488"),  # full-width digits from some IMEs
        # 12-digit personal identification number (individuals, household businesses).
        ("020190012345", "020190012345"),
        ("020 190 012 345", "020190012345"),
    ],
)
def test_tax_code_valid(raw, expected):
    assert normalize_tax_code(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0100233480", ErrorCode.TAX_CODE_CHECKSUM),
        ("12345", ErrorCode.TAX_CODE_LENGTH),
        ("01002334881", ErrorCode.TAX_CODE_LENGTH),
        ("0100233488-01", ErrorCode.TAX_CODE_LENGTH),
        ("0100233488-000", ErrorCode.TAX_CODE_FORMAT),  # branch 000 does not exist
        ("01A0233488", ErrorCode.TAX_CODE_FORMAT),
        ("٠١٠٠٢٣٣٤٨٨", ErrorCode.TAX_CODE_FORMAT),  # Arabic-Indic digits are not digits here
        ("013190012345", ErrorCode.TAX_CODE_FORMAT),  # 12 digits, province 013 unknown
        ("", ErrorCode.REQUIRED),
        ("   ", ErrorCode.REQUIRED),
        (None, ErrorCode.REQUIRED),
    ],
)
def test_tax_code_invalid(raw, code):
    with pytest.raises(InvalidValue) as info:
        normalize_tax_code(raw, today=TODAY)
    assert info.value.code == code
    assert info.value.field == "tax_code"


def test_tax_code_personal_error_explains_the_citizen_id_problem():
    with pytest.raises(InvalidValue) as info:
        normalize_tax_code("013190012345", field="mst")
    assert info.value.field == "mst"
    assert "013" in info.value.message_vi
    assert "013" in info.value.message_en


def test_field_name_is_used_in_errors():
    with pytest.raises(InvalidValue) as info:
        normalize_tax_code("1", field="enterprise_tax_code")
    assert info.value.field == "enterprise_tax_code"
    with pytest.raises(InvalidValue) as info:
        normalize_vn_plate("1", "trailer_plate")  # field may be given positionally
    assert info.value.field == "trailer_plate"


@st.composite
def tax_codes(draw):
    body = draw(st.text("0123456789", min_size=9, max_size=9).filter(lambda s: s[2:] != "0" * 7))
    check = mst.calc_check_digit(body)
    if len(check) != 1:  # 10 - 0 = "10": no valid number with this body
        body = body[:8] + str((int(body[8]) + 1) % 10)
        check = mst.calc_check_digit(body)
    code = body + check
    if draw(st.booleans()):
        branch = draw(st.integers(1, 999))
        sep = draw(st.sampled_from(["-", " ", "", " - "]))
        code = f"{code}{sep}{branch:03d}"
    return code


@given(tax_codes())
def test_tax_code_normalises_idempotently(raw):
    if not mst.is_valid(raw):  # the rare body where both check digits overflow
        return
    normalized = normalize_tax_code(raw)
    assert normalize_tax_code(normalized) == normalized
    assert len(normalized) in (10, 14)


# --- citizen ID -------------------------------------------------------------------


def test_citizen_id_decoded():
    assert parse_citizen_id("020090012345", today=TODAY) == CitizenIdInfo("020", "male", 1990)
    assert parse_citizen_id("020190012345", today=TODAY) == CitizenIdInfo("020", "female", 1990)
    assert parse_citizen_id("001305123456", today=TODAY) == CitizenIdInfo("001", "female", 2005)
    assert parse_citizen_id("096099000001", today=TODAY).birth_year == 1999


def test_lang_son_is_province_020():
    assert CITIZEN_ID_PROVINCE_CODES["020"] == "Lạng Sơn"
    assert len(CITIZEN_ID_PROVINCE_CODES) == 63


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("02019001234", ErrorCode.CITIZEN_ID_LENGTH),
        ("0201900123456", ErrorCode.CITIZEN_ID_LENGTH),
        ("02019001234A", ErrorCode.CITIZEN_ID_FORMAT),
        ("000190012345", ErrorCode.CITIZEN_ID_PROVINCE),
        ("003190012345", ErrorCode.CITIZEN_ID_PROVINCE),  # no province 003
        ("097190012345", ErrorCode.CITIZEN_ID_PROVINCE),
        ("020227012345", ErrorCode.CITIZEN_ID_BIRTH_YEAR),  # born 2027, after TODAY
        ("020400012345", ErrorCode.CITIZEN_ID_BIRTH_YEAR),  # born 2100
        ("", ErrorCode.REQUIRED),
    ],
)
def test_citizen_id_invalid(raw, code):
    with pytest.raises(InvalidValue) as info:
        normalize_citizen_id(raw, today=TODAY)
    assert info.value.code == code
    assert info.value.field == "citizen_id"


def test_citizen_id_born_this_year_is_accepted():
    assert normalize_citizen_id("020226012345", today=TODAY) == "020226012345"


@st.composite
def citizen_ids(draw):
    province = draw(st.sampled_from(sorted(CITIZEN_ID_PROVINCE_CODES)))
    year = draw(st.integers(1900, TODAY.year))
    female = draw(st.booleans())
    century_digit = 2 * ((year - 1900) // 100) + int(female)
    serial = draw(st.text("0123456789", min_size=6, max_size=6))
    raw = f"{province}{century_digit}{year % 100:02d}{serial}"
    sep = draw(st.sampled_from(["", " ", "."]))
    return sep.join([raw[:3], raw[3:6], raw[6:9], raw[9:]]), province, year, female


@given(citizen_ids())
def test_citizen_id_round_trip(generated):
    raw, province, year, female = generated
    normalized = normalize_citizen_id(raw, today=TODAY)
    assert normalize_citizen_id(normalized, today=TODAY) == normalized
    info = parse_citizen_id(normalized, today=TODAY)
    assert info == CitizenIdInfo(province, "female" if female else "male", year)


# --- mobile -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "(+84) 912 345 678",
    ],
)
def test_mobile_valid(raw):
    assert normalize_mobile(raw) == "0912345678"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("024 3826 1234", ErrorCode.PHONE_NOT_MOBILE),  # Hà Nội landline
        ("0205 3871 234", ErrorCode.PHONE_NOT_MOBILE),  # Lạng Sơn landline
        ("0123", ErrorCode.PHONE_FORMAT),
        ("091234567890", ErrorCode.PHONE_FORMAT),
        ("+86 139 1234 5678", ErrorCode.PHONE_FORMAT),  # Chinese mobile
        ("0912abc678", ErrorCode.PHONE_FORMAT),
        ("", ErrorCode.REQUIRED),
    ],
)
def test_mobile_invalid(raw, code):
    with pytest.raises(InvalidValue) as info:
        normalize_mobile(raw, field="driver_phone")
    assert info.value.code == code
    assert info.value.field == "driver_phone"


MOBILE_PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "32", "35", "39", "70", "77"]
MOBILE_PREFIXES += ["81", "85", "86", "88", "56", "58", "59"]


@st.composite
def mobiles(draw):
    national = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(
        st.text("0123456789", min_size=7, max_size=7)
    )
    prefix = draw(st.sampled_from(["0", "+84", "+84 ", "84"]))
    sep = draw(st.sampled_from(["", " ", ".", "-"]))
    return prefix + sep.join([national[:3], national[3:6], national[6:]]), "0" + national


@given(mobiles())
def test_mobile_normalises_idempotently(generated):
    raw, expected = generated
    assert normalize_mobile(raw) == expected
    assert normalize_mobile(expected) == expected


# --- Vietnamese plates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12C-123.45", "12C-123.45"),
        ("12C12345", "12C-123.45"),
        ("12c 123 45", "12C-123.45"),
        ("12C 123.45", "12C-123.45"),
        ("12C-1234", "12C-1234"),
        ("12C1234", "12C-1234"),
        ("12C11234", "12C-112.34"),  # a digit after the letter belongs to the number
        ("12R-012.34", "12R-012.34"),  # trailer
        ("12r01234", "12R-012.34"),
        ("12RM-012.34", "12RM-012.34"),  # semi-trailer
        ("51LD-123.45", "51LD-123.45"),
        ("29-B1 123.45", "29B1-123.45"),  # motorcycle: letter + digit series
        ("29B112345", "29B1-123.45"),
        ("80A-123.45", "80A-123.45"),  # central agencies
    ],
)
def test_vn_plate_valid(raw, expected):
    assert normalize_vn_plate(raw) == expected
    assert normalize_plate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("13A-123.45", ErrorCode.PLATE_PROVINCE),
        ("42A-123.45", ErrorCode.PLATE_PROVINCE),
        ("44A-123.45", ErrorCode.PLATE_PROVINCE),
        ("87A-123.45", ErrorCode.PLATE_PROVINCE),
        ("91A-123.45", ErrorCode.PLATE_PROVINCE),
        ("96A-123.45", ErrorCode.PLATE_PROVINCE),
        ("12I-123.45", ErrorCode.PLATE_SERIES),
        ("12O-123.45", ErrorCode.PLATE_SERIES),
        ("12C-123", ErrorCode.PLATE_FORMAT),
        ("12C-1234567", ErrorCode.PLATE_FORMAT),
        ("C12-12345", ErrorCode.PLATE_FORMAT),
        ("12ABC-12345", ErrorCode.PLATE_FORMAT),
        ("１２C-123.45x", ErrorCode.PLATE_FORMAT),
    ],
)
def test_vn_plate_invalid(raw, code):
    with pytest.raises(InvalidValue) as info:
        normalize_vn_plate(raw)
    assert info.value.code == code
    assert info.value.field == "plate"


def test_lang_son_plate_code_is_12():
    assert VN_PLATE_PROVINCE_CODES["12"] == "Lạng Sơn"
    assert not {"10", "13", "42", "44", "45", "46", "87", "91", "96"} & set(VN_PLATE_PROVINCE_CODES)


@st.composite
def vn_plates(draw):
    province = draw(st.sampled_from(sorted(VN_PLATE_PROVINCE_CODES)))
    series = draw(st.sampled_from(["A", "C", "H", "LD", "R", "RM", "KT", "B1", "F2"]))
    number = draw(st.text("0123456789", min_size=4, max_size=5))
    if len(number) == 5:
        dotted = draw(st.sampled_from([number, f"{number[:3]}.{number[3:]}"]))
    else:
        dotted = number
    # A series ending in a digit needs a separator to be unambiguous with 4 digits.
    sep = draw(st.sampled_from(["-", " ", " - "] if series[-1].isdigit() else ["-", " ", ""]))
    raw = f"{province}{series}{sep}{dotted}"
    if draw(st.booleans()):
        raw = raw.lower()
    return raw, province, series, number


@given(vn_plates())
def test_vn_plate_normalises_idempotently(generated):
    raw, province, series, number = generated
    normalized = normalize_vn_plate(raw)
    assert normalize_vn_plate(normalized) == normalized
    assert normalize_plate(normalized) == normalized
    assert normalized.startswith(f"{province}{series}-")
    assert normalized.replace(".", "").endswith(number)


# --- Chinese plates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("桂A12345", "桂A12345"),
        ("桂A·12345", "桂A12345"),
        ("桂a 12345", "桂A12345"),
        ("桂F-A1234", "桂FA1234"),
        ("桂AD12345", "桂AD12345"),  # new-energy vehicle, 6 characters
        ("桂A1234挂", "桂A1234挂"),  # trailer
        ("粤Z1234港", "粤Z1234港"),
        ("京Ａ12345", "京A12345"),  # full-width letter
    ],
)
def test_cn_plate_valid(raw, expected):
    assert normalize_cn_plate(raw) == expected
    assert normalize_plate(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["桂12345", "桂A1234", "桂A1234567", "港A12345", "桂AI2345", "桂AO2345", "A12345", "桂A12-34"],
)
def test_cn_plate_invalid(raw):
    with pytest.raises(InvalidValue) as info:
        normalize_cn_plate(raw, field="cn_plate")
    assert info.value.code == ErrorCode.PLATE_CN_FORMAT
    assert info.value.field == "cn_plate"


def test_there_are_31_province_abbreviations():
    assert len(set(CN_PROVINCE_ABBREVIATIONS)) == 31
    assert "桂" in CN_PROVINCE_ABBREVIATIONS


@st.composite
def cn_plates(draw):
    alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    province = draw(st.sampled_from(CN_PROVINCE_ABBREVIATIONS))
    city = draw(st.sampled_from("ABCDEFGHJKLMNP"))
    tail = draw(st.text(alnum, min_size=5, max_size=6))
    sep = draw(st.sampled_from(["", "·", " ", "-"]))
    return f"{province}{city}{sep}{tail}"


@given(cn_plates())
def test_cn_plate_normalises_idempotently(raw):
    normalized = normalize_cn_plate(raw)
    assert normalize_cn_plate(normalized) == normalized
    assert normalize_plate(normalized) == normalized


def test_plate_neither_format():
    with pytest.raises(InvalidValue) as info:
        normalize_plate("ABC-123")
    assert info.value.code == ErrorCode.PLATE_UNKNOWN_FORMAT
    assert "Trung Quốc" in info.value.message_vi
    assert "Chinese" in info.value.message_en


# --- any junk: InvalidValue with a field and two messages, or a stable canonical form -----

NORMALIZERS = [
    (normalize_tax_code, "tax_code"),
    (normalize_citizen_id, "citizen_id"),
    (normalize_mobile, "phone"),
    (normalize_vn_plate, "plate"),
    (normalize_cn_plate, "plate"),
    (normalize_plate, "plate"),
]


@pytest.mark.parametrize(("normalize", "field"), NORMALIZERS)
@given(junk=st.one_of(st.text(max_size=20), st.text("0123456789 .-+ABC桂", max_size=16)))
def test_junk_raises_invalid_value_or_is_stable(normalize, field, junk):
    error: InvalidValue | None = None
    normalized = None
    try:
        normalized = normalize(junk)
    except InvalidValue as exc:
        error = exc
    if error is None:
        assert normalize(normalized) == normalized
    else:
        assert error.field == field
        assert error.code in set(ErrorCode)
        assert error.message_vi
        assert error.message_en
        assert error.message_vi != error.message_en

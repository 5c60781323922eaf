import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.validators import InvalidValue
from tinhso.payments.vietqr import (
    SERVICE_TO_CARD,
    VietQR,
    build_payload,
    crc16_ccitt_false,
    parse_payload,
    render_png,
    render_svg,
    to_ascii,
)

# Published payloads, reproduced byte for byte.
PUBLISHED = [
    pytest.param(
        {"bank_bin": "970415", "account": "0011001932418", "amount": 120000,
         "purpose": "ủng hộ lũ lụt"},
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
        "530370454061200005802VN62170813ung ho lu lut6304C15C",
        id="subiz/vietqr README.md (VietinBank, diacritics stripped)",
    ),
    pytest.param(
        {"bank_bin": "970423", "account": "0099999999"},
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA"
        "53037045802VN6304CBB4",
        id="subiz/vietqr vietqr_test.go case 1 (static, no amount)",
    ),
    pytest.param(
        {"bank_bin": "970422", "account": "0023457923442", "amount": 40123,
         "purpose": "test text string"},
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62200816test text string6304D9C6",
        id="subiz/vietqr vietqr_test.go case 2",
    ),
    pytest.param(
        {"bank_bin": "970422", "account": "0023457923442", "amount": 40123,
         "purpose": "chuyển khoản"},
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "53037045405401235802VN62160812chuyen khoan6304722F",
        id="subiz/vietqr vietqr_test.go case 4 (diacritics stripped)",
    ),
    pytest.param(
        {"bank_bin": "970403", "account": "9704031101234567", "amount": 180000,
         "bill_number": "NPS6869", "purpose": "thanh toan don hang",
         "service": SERVICE_TO_CARD},
        "00020101021238600010A00000072701300006970403011697040311012345670208QRIBFTTC"
        "530370454061800005802VN62340107NPS68690819thanh toan don hang6304A203",
        id="iamcot/anylearn_portal tests/Unit/QRServiceTest.php testCRC1 (to card, bill no.)",
    ),
    pytest.param(
        {"bank_bin": "970403", "account": "0011012345678", "amount": 180000,
         "bill_number": "NPS6869", "purpose": "thanh toan don hang"},
        "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA"
        "530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E",
        id="iamcot/anylearn_portal tests/Unit/QRServiceTest.php testCRC3",
    ),
    pytest.param(
        {"bank_bin": "970416", "account": "545446", "amount": 80100,
         "purpose": "Thanh toan anyLEARN 8"},
        "00020101021238500010A0000007270120000697041601065454460208QRIBFTTA"
        "53037045405801005802VN62250821Thanh toan anyLEARN 86304FA27",
        id="iamcot/anylearn_portal tests/Unit/QRServiceTest.php testQR1",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "payload"), PUBLISHED)
def test_build_reproduces_published_payload(fields, payload):
    assert build_payload(**fields) == payload


@pytest.mark.parametrize(("fields", "payload"), PUBLISHED)
def test_parse_published_payload_round_trips(fields, payload):
    qr = parse_payload(payload)
    assert qr.bank_bin == fields["bank_bin"]
    assert qr.account == fields["account"]
    assert qr.amount == fields.get("amount")
    assert qr.is_dynamic == ("amount" in fields)
    assert qr.bill_number == fields.get("bill_number")
    assert qr.service == fields.get("service", "QRIBFTTA")
    assert qr.to_payload() == payload


def test_crc_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE.
    assert crc16_ccitt_false("123456789") == "29B1"


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        # iamcot/anylearn_portal tests/Unit/QRServiceTest.php testCRC2: CRC of the string as
        # given (its 62/08 lengths do not match the text, so it is not a valid payload).
        (
            "00020101021238500010A0000007270120000697041601065454460208QRIBFTTA"
            "530370454061800005802VN62270823thanh toan don hang6304",
            "4302",
        ),
        (
            "00020101021238500010A0000007270120000697041601065454460208QRIBFTTA"
            "53037045405801005802VN62250821Thanh toan anyLEARN 86304",
            "FA27",
        ),
    ],
)
def test_crc_published_values(data, crc):
    assert crc16_ccitt_false(data) == crc


def test_crc_is_zero_padded():
    # Find a prefix whose CRC has a leading zero nibble, and check it prints 4 digits.
    prefix = next(f"x{i}" for i in range(10000) if crc16_ccitt_false(f"x{i}").startswith("0"))
    assert len(crc16_ccitt_false(prefix)) == 4


def test_static_qr_has_no_amount_and_initiation_11():
    payload = build_payload(bank_bin="970436", account="0011001234567")
    assert payload.startswith("000201010211")
    qr = parse_payload(payload)
    assert qr.amount is None
    assert not qr.is_dynamic


def test_dynamic_qr_for_border_fee():
    payload = build_payload(
        bank_bin="970436", account="0011001234567", amount=100000,
        purpose="Phí hạ tầng 12C-123.45",
    )  # fmt: skip
    qr = parse_payload(payload)
    assert qr == VietQR(
        bank_bin="970436",
        account="0011001234567",
        amount=100000,
        purpose="Phi ha tang 12C-123.45",
        point_of_initiation="12",
    )


def test_to_ascii():
    assert to_ascii("Đặng Thị Hường  nộp phí") == "Dang Thi Huong nop phi"
    assert to_ascii("đường ĐỒNG ĐĂNG") == "duong DONG DANG"


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"bank_bin": "97043"}, "bank_bin", "vietqr.bank_bin"),
        ({"bank_bin": "97043a"}, "bank_bin", "vietqr.bank_bin"),
        ({"account": ""}, "account", "vietqr.account"),
        ({"account": "0011-0012"}, "account", "vietqr.account"),
        ({"account": "1" * 20}, "account", "vietqr.account"),
        ({"amount": 0}, "amount", "vietqr.amount"),
        ({"amount": -5}, "amount", "vietqr.amount"),
        ({"amount": 10**13}, "amount", "vietqr.amount"),
        ({"purpose": "x" * 26}, "purpose", "vietqr.text_length"),
        ({"purpose": "Xe 桂A12345"}, "purpose", "vietqr.text_charset"),
        ({"bill_number": "HD\u20ac1"}, "bill_number", "vietqr.text_charset"),
        ({"service": "QRPUSH"}, "service", "vietqr.service"),
    ],
)
def test_build_rejects_bad_input(fields, field, code):
    kwargs = {"bank_bin": "970436", "account": "0011001234567", "amount": 1000} | fields
    with pytest.raises(InvalidValue) as info:
        build_payload(**kwargs)
    assert (info.value.field, info.value.code) == (field, code)
    assert info.value.message_vi
    assert info.value.message_en


@pytest.mark.parametrize("amount", [1000.0, "1000", True])
def test_build_refuses_non_int_amount(amount):
    with pytest.raises(TypeError):
        build_payload(bank_bin="970436", account="0011001234567", amount=amount)


def test_empty_purpose_is_omitted():
    with_blank = build_payload(bank_bin="970436", account="1", amount=5, purpose="   ")
    assert with_blank == build_payload(bank_bin="970436", account="1", amount=5)
    assert "62" not in parse_payload(with_blank).to_payload()[-12:]


VALID = PUBLISHED[0].values[1]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (VALID[:-4] + "C15D", "payload.crc"),  # wrong CRC
        (VALID[:-4] + "0000", "payload.crc"),
        (VALID.replace("120000", "920000"), "payload.crc"),  # tampered amount
        (VALID[:-1], "payload.malformed"),  # truncated: no CRC field at the end
        ("", "payload.malformed"),
        ("hello world", "payload.malformed"),
    ],
)
def test_parse_rejects_corrupt_payload(payload, code):
    with pytest.raises(InvalidValue) as info:
        parse_payload(payload)
    assert info.value.field == "payload"
    assert info.value.code == code


def _with_crc(body: str) -> str:
    body += "6304"
    return body + crc16_ccitt_false(body)


@pytest.mark.parametrize(
    "body",
    [
        "000201010212",  # no merchant account (38)
        "00020101021238140010A000000728",  # not the NAPAS GUID
        "0002010102123899",  # length beyond the end
        "00020101021238280010A00000072701100006970436",  # no account number
        "00020101021238400010A00000072701200006970436010612345653038405802VN",  # USD
        "00020101021238400010A0000007270120000697043601061234565303704540512a455802VN",
        "0002020102123840",  # wrong format indicator
        "00020101021x",
    ],
)
def test_parse_rejects_malformed_tlv_with_good_crc(body):
    with pytest.raises(InvalidValue) as info:
        parse_payload(_with_crc(body))
    assert info.value.field == "payload"
    assert info.value.code == "payload.malformed"


def test_parse_keeps_unknown_fields_and_accepts_lowercase_crc():
    body = (
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
        "52045999530370454054012358"
        "02VN5910TINH SO LS6008LANG SON62200516REF0001 PHI HATA"
    )
    payload = _with_crc(body)
    qr = parse_payload(payload[:-4] + payload[-4:].lower())
    assert qr.extra == (("52", "5999"), ("59", "TINH SO LS"), ("60", "LANG SON"))
    assert qr.additional_extra == (("05", "REF0001 PHI HATA"),)
    assert qr.to_payload() == payload


printable = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=25)
vietnamese = st.text("aăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩ"
                     "òóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹĐ ", max_size=25)  # fmt: skip


@given(
    bank_bin=st.text("0123456789", min_size=6, max_size=6),
    account=st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=19),
    amount=st.none() | st.integers(min_value=1, max_value=10**13 - 1),
    purpose=st.none() | printable | vietnamese,
    bill_number=st.none() | printable,
    service=st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
)
def test_round_trip(bank_bin, account, amount, purpose, bill_number, service):
    payload = build_payload(
        bank_bin=bank_bin, account=account, amount=amount, purpose=purpose,
        bill_number=bill_number, service=service,
    )  # fmt: skip
    qr = parse_payload(payload)
    assert (qr.bank_bin, qr.account, qr.amount, qr.service) == (bank_bin, account, amount, service)
    assert qr.purpose == (to_ascii(purpose) or None if purpose is not None else None)
    assert qr.bill_number == (to_ascii(bill_number) or None if bill_number is not None else None)
    assert qr.to_payload() == payload
    assert payload.isascii()
    assert payload[-8:-4] == "6304"


def test_render_svg():
    svg = render_svg(VALID)
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")


def test_render_png_to_file_and_buffer(tmp_path):
    path = tmp_path / "qr.png"
    render_png(VALID, str(path), scale=4)
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    buffer = io.BytesIO()
    render_png(VALID, buffer)
    assert buffer.getvalue().startswith(b"\x89PNG\r\n\x1a\n")


def test_management_command(tmp_path):
    from tinhso.payments.management.commands.vietqr import Command

    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)
    png = tmp_path / "qr.png"
    options = command.create_parser("tinhso", "vietqr").parse_args(
        ["--bin", "970415", "--account", "0011001932418", "--amount", "120000",
         "--purpose", "ủng hộ lũ lụt", "--png", str(png)]
    )  # fmt: skip
    command.handle(**vars(options))
    assert out.getvalue().strip() == PUBLISHED[0].values[1]
    assert png.read_bytes().startswith(b"\x89PNG")


def test_management_command_reports_bad_input():
    from django.core.management.base import CommandError

    from tinhso.payments.management.commands.vietqr import Command

    command = Command(stdout=io.StringIO(), stderr=io.StringIO())
    options = command.create_parser("tinhso", "vietqr").parse_args(
        ["--bin", "97041", "--account", "1"]
    )
    with pytest.raises(CommandError, match="bank_bin"):
        command.handle(**vars(options))

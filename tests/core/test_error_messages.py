"""Error messages come from the gettext catalogue, keyed by the error code: the English
template is the msgid, the Vietnamese lives only in locale/vi/LC_MESSAGES/django.po."""

import ast
import gettext
import os
import pickle
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tinhso.accounts.errors import MESSAGES as ACCOUNT_MESSAGES
from tinhso.accounts.errors import AccountError
from tinhso.border.errors import MESSAGES as BORDER_MESSAGES
from tinhso.border.errors import Action, BorderError, border_error
from tinhso.border.models import Declaration, DeclarationState
from tinhso.border.services.common import not_allowed
from tinhso.core.api_errors import FALLBACK, PYDANTIC_MESSAGES, VALUE_ERROR
from tinhso.core.errors import MESSAGES as CORE_MESSAGES
from tinhso.core.errors import CoreError, DomainError
from tinhso.core.files import MESSAGES as FILE_MESSAGES
from tinhso.core.files import FileError
from tinhso.core.validators import MESSAGES as VALIDATOR_MESSAGES
from tinhso.core.validators import ErrorCode, InvalidValue, normalize_vn_plate
from tinhso.market.errors_catalogue import MESSAGES as CATALOGUE_MESSAGES
from tinhso.market.errors_catalogue import CatalogueError
from tinhso.payments.errors import MESSAGES as PAYMENT_MESSAGES
from tinhso.payments.errors import PaymentError
from tinhso.payments.vietqr import MESSAGES as VIETQR_MESSAGES
from tinhso.payments.vietqr import VietQRError, parse_payload

SRC = Path(__file__).resolve().parents[2] / "src" / "tinhso"
CATALOGUE = SRC / "locale" / "vi" / "LC_MESSAGES" / "django.mo"

# Each app's error enum with its table of English templates ((template, status) or template).
ERROR_TABLES = [
    (ErrorCode, VALIDATOR_MESSAGES),
    (VietQRError, VIETQR_MESSAGES),
    (CoreError, CORE_MESSAGES),
    (FileError, FILE_MESSAGES),
    (CatalogueError, CATALOGUE_MESSAGES),
    (AccountError, ACCOUNT_MESSAGES),
    (BorderError, BORDER_MESSAGES),
    (PaymentError, PAYMENT_MESSAGES),
]
# Messages whose Vietnamese is the same text as the English (a bare code, a number...).
IDENTICAL_BY_NATURE: frozenset[str] = frozenset()


def template_of(entry) -> str:
    return entry[0] if isinstance(entry, tuple) else entry


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def assert_translated(template: str) -> None:
    with translation.override("vi"):
        vietnamese = translation.gettext(template)
    if template not in IDENTICAL_BY_NATURE:
        assert vietnamese != template, f"no Vietnamese for {template!r}"
    assert placeholders(vietnamese) == placeholders(template), template


@pytest.mark.parametrize(("enum", "table"), ERROR_TABLES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_error_code_has_a_template_and_a_vietnamese_translation(enum, table):
    assert set(table) == set(enum), "every code has exactly one message, and no dead entries"
    for code in enum:
        assert_translated(template_of(table[code]))


def test_api_validation_messages_and_action_phrases_are_translated():
    for template in [*PYDANTIC_MESSAGES.values(), FALLBACK, VALUE_ERROR]:
        assert_translated(template)
    phrases = [value for name, value in vars(Action).items() if name.isupper()]
    assert len(phrases) == 5
    for phrase in [*phrases, Action.move_to("X")]:
        with translation.override("en"):
            english = str(phrase)
        with translation.override("vi"):
            assert str(phrase) != english


def test_every_template_marked_for_extraction_is_in_the_catalogue():
    """What `makemessages` would extract (gettext_noop calls) has a Vietnamese entry."""
    marked = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "gettext_noop"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                marked.add(node.args[0].value)
    assert len(marked) > 100
    for template in marked:
        assert_translated(template)


def test_a_message_is_translated_by_the_catalogue_when_shown():
    error = border_error(BorderError.SLOT_PAST, field="starts_at", hour="08:00 01/12/2026")
    catalogue = gettext.GNUTranslations(CATALOGUE.open("rb"))
    template = BORDER_MESSAGES[BorderError.SLOT_PAST][0]

    assert error.message("vi") != error.message("en")
    assert error.message("vi") == catalogue.gettext(template).format(hour="08:00 01/12/2026")
    assert error.message("vi") == "Khung giờ 08:00 01/12/2026 đã qua. Chọn khung giờ hiện tại " \
                                  "hoặc sau đó."
    assert error.message("en") == template.format(hour="08:00 01/12/2026")
    assert (error.message_vi, error.message_en) == (error.message("vi"), error.message("en"))
    with translation.override("en"):
        assert error.message() == error.message_en
        assert error.as_dict()["message"] == error.message_en
    assert str(error) == f"border.slot_past: {error.message_en}"


def test_words_inside_a_message_are_translated_too():
    crossed = Declaration(state="crossed")
    error = not_allowed(crossed, Action.BOOK_SLOT)
    assert error.message_vi == "Không thể đặt khung giờ khi tờ khai đang ở trạng thái " \
                               "“Đã qua cửa khẩu”."
    assert error.message_en == "Cannot book a slot while the declaration is “Crossed”."
    moving = not_allowed(crossed, Action.move_to(DeclarationState.CANCELLED.label))
    assert moving.message_vi == "Không thể chuyển sang “Đã hủy” khi tờ khai đang ở trạng thái " \
                                "“Đã qua cửa khẩu”."
    assert moving.message_en == "Cannot move to “Cancelled” while the declaration is “Crossed”."
    malformed = pytest.raises(InvalidValue, parse_payload, "hello world").value
    assert malformed.message_vi == "Mã VietQR không đúng cấu trúc: thiếu mã kiểm tra CRC ở cuối."
    assert malformed.message_en == "Malformed VietQR payload: no CRC field at the end."


def test_an_error_is_rendered_when_shown_not_when_raised():
    error = pytest.raises(InvalidValue, normalize_vn_plate, "13A-123.45").value
    with translation.override("en"):
        assert error.message() == "Province code 13 on the plate does not exist."
    with translation.override(settings.LANGUAGE_CODE):
        assert error.message() == "Mã tỉnh 13 trên biển số không tồn tại."  # Vietnamese first


def test_errors_survive_pickling():
    error = pickle.loads(pickle.dumps(DomainError(CoreError.NOT_FOUND, "Not found.", status=404)))
    plate = pickle.loads(pickle.dumps(pytest.raises(InvalidValue, normalize_vn_plate, "1").value))
    assert (error.code, error.status, error.message_vi) == ("not_found", 404, "Không tìm thấy.")
    assert plate.code == ErrorCode.PLATE_FORMAT and plate.message_vi.startswith("Biển số")


def test_pure_modules_import_and_speak_english_without_django():
    code = (
        "import sys\n"
        "from tinhso.core import money, validators\n"
        "from tinhso.payments import vietqr\n"
        "assert not any(m.startswith('django') for m in sys.modules), 'Django imported'\n"
        "try:\n"
        "    validators.normalize_vn_plate('13A-123.45')\n"
        "except validators.InvalidValue as e:\n"
        "    print(e.message('vi'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert result.stdout.strip() == "Province code 13 on the plate does not exist."

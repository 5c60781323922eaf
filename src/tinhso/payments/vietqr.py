"""VietQR: the NAPAS bank-transfer QR code (EMVCo merchant-presented mode).

A VietQR payload is a string of TLV fields: a 2-digit ID, a 2-digit length and the
value, with lengths counted in characters. For a transfer to an account:

====  =====================================================================
ID    value
====  =====================================================================
00    payload format indicator ``01``
01    point of initiation: ``11`` static (reusable), ``12`` dynamic (one amount)
38    merchant account information:
      00 GUID ``A000000727`` (NAPAS);
      01 beneficiary organisation: 00 acquirer BIN (6 digits), 01 account or card;
      02 service code ``QRIBFTTA`` (to an account) or ``QRIBFTTC`` (to a card)
53    currency ``704`` (VND)
54    amount (integer đồng)
58    country ``VN``
62    additional data: 01 bill number, 08 purpose of transaction
63    CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything up to and
      including ``6304``, as 4 upper-case hex digits
====  =====================================================================

The purpose and bill number are reduced to printable ASCII: bank apps reject or
garble non-ASCII text in the transfer description, and since lengths count
characters while the receiving systems count bytes, a diacritic would also make the
TLV lengths disagree between systems. Vietnamese diacritics are therefore removed
(``ủng hộ lũ lụt`` → ``ung ho lu lut``, ``đ``/``Đ`` → ``d``/``D``); any other
non-ASCII character is refused rather than silently dropped.

Pure Python (no Django import); QR images with ``segno``.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

import segno

from tinhso.core.translatable import Text, gettext_noop
from tinhso.core.validators import InvalidValue

__all__ = [
    "NAPAS_GUID",
    "SERVICE_TO_ACCOUNT",
    "SERVICE_TO_CARD",
    "VietQR",
    "VietQRError",
    "build_payload",
    "crc16_ccitt_false",
    "parse_payload",
    "render_png",
    "render_svg",
    "to_ascii",
]

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
SERVICE_TO_CARD = "QRIBFTTC"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
STATIC = "11"
DYNAMIC = "12"

_MAX_TEXT = 25  # purpose (62-08) and bill number (62-01): "ans", up to 25 characters
_MAX_ACCOUNT = 19
_MAX_AMOUNT_DIGITS = 13


class VietQRError(StrEnum):
    """Machine codes of the VietQR errors; the text shown to a person comes from these."""

    PAYLOAD_TOO_LONG = "payload.too_long"
    PAYLOAD_MALFORMED = "payload.malformed"
    PAYLOAD_CRC = "payload.crc"
    BANK_BIN = "vietqr.bank_bin"
    ACCOUNT = "vietqr.account"
    SERVICE = "vietqr.service"
    AMOUNT = "vietqr.amount"
    TEXT_CHARSET = "vietqr.text_charset"
    TEXT_LENGTH = "vietqr.text_length"


#: English message template per code: the gettext msgid (Vietnamese is in the ``.po``).
MESSAGES: dict[VietQRError, str] = {
    VietQRError.PAYLOAD_TOO_LONG: gettext_noop("VietQR field {tag} is longer than 99 characters."),
    # {detail} is one of the phrases given to _malformed() below, translated as well.
    VietQRError.PAYLOAD_MALFORMED: gettext_noop("Malformed VietQR payload: {detail}."),
    VietQRError.PAYLOAD_CRC: gettext_noop(
        "The VietQR payload is corrupted or incomplete (CRC mismatch)."
    ),
    VietQRError.BANK_BIN: gettext_noop("The bank BIN has 6 digits (for example 970436)."),
    VietQRError.ACCOUNT: gettext_noop("The account or card number has 1–{max} letters or digits."),
    VietQRError.SERVICE: gettext_noop("The service code is QRIBFTTA (account) or QRIBFTTC (card)."),
    VietQRError.AMOUNT: gettext_noop("The amount must be positive, with at most 13 digits."),
    VietQRError.TEXT_CHARSET: gettext_noop(
        "Only letters, digits and common punctuation are allowed (no special characters)."
    ),
    VietQRError.TEXT_LENGTH: gettext_noop("At most {max} characters (got {length})."),
}


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE of ``data`` (UTF-8) as 4 upper-case hex digits, zero-padded."""
    return f"{binascii.crc_hqx(data.encode('utf-8'), 0xFFFF):04X}"


def to_ascii(text: str) -> str:
    """Vietnamese text without diacritics, whitespace collapsed: ``'Đã trả'`` → ``'Da tra'``.

    Characters with no ASCII base letter (``'桂'``) are kept, so callers can refuse them.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _invalid(field_name: str, code: VietQRError, **params: object) -> InvalidValue:
    return InvalidValue(field_name, code, MESSAGES[code], params)


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise _invalid("payload", VietQRError.PAYLOAD_TOO_LONG, tag=tag)
    return f"{tag}{len(value):02d}{value}"


def _clean_text(value: str | None, field_name: str) -> str | None:
    if value is None:
        return None
    text = to_ascii(value)
    if not text:
        return None
    if not all(" " <= ch <= "~" for ch in text):
        raise _invalid(field_name, VietQRError.TEXT_CHARSET)
    if len(text) > _MAX_TEXT:
        raise _invalid(field_name, VietQRError.TEXT_LENGTH, max=_MAX_TEXT, length=len(text))
    return text


@dataclass(frozen=True, slots=True)
class VietQR:
    """A decoded VietQR payload.

    ``extra`` and ``additional_extra`` keep the fields this module does not interpret
    (e.g. 52 merchant category, 59 merchant name; 62-05 reference label), as
    ``(id, value)`` pairs, so :meth:`to_payload` reproduces the payload.
    """

    bank_bin: str
    account: str
    service: str = SERVICE_TO_ACCOUNT
    amount: int | None = None
    purpose: str | None = None
    bill_number: str | None = None
    point_of_initiation: str = STATIC
    extra: tuple[tuple[str, str], ...] = field(default=())
    additional_extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_dynamic(self) -> bool:
        return self.point_of_initiation == DYNAMIC

    def to_payload(self) -> str:
        """Encode back to the payload string (fields in ascending ID order, then CRC)."""
        beneficiary = _tlv("00", self.bank_bin) + _tlv("01", self.account)
        merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary)
        if self.service:
            merchant += _tlv("02", self.service)
        additional = dict(self.additional_extra)
        if self.bill_number:
            additional["01"] = self.bill_number
        if self.purpose:
            additional["08"] = self.purpose
        top = dict(self.extra)
        top["00"] = "01"
        top["01"] = self.point_of_initiation
        top["38"] = merchant
        top["53"] = CURRENCY_VND
        if self.amount is not None:
            top["54"] = str(self.amount)
        top["58"] = COUNTRY_VN
        if additional:
            top["62"] = "".join(_tlv(k, additional[k]) for k in sorted(additional))
        body = "".join(_tlv(k, top[k]) for k in sorted(top)) + "6304"
        return body + crc16_ccitt_false(body)


def build_payload(
    *,
    bank_bin: str,
    account: str,
    amount: int | None = None,
    purpose: str | None = None,
    bill_number: str | None = None,
    service: str = SERVICE_TO_ACCOUNT,
) -> str:
    """The VietQR payload for a transfer to ``account`` at the bank with NAPAS ``bank_bin``.

    With an ``amount`` the QR is dynamic (01 = ``12``), without one static (``11``) and
    the payer types the amount. ``purpose`` (the transfer description the bank
    statement shows, used to reconcile the payment) and ``bill_number`` are reduced
    to ASCII, at most 25 characters. Raises :class:`InvalidValue` naming the field.
    """
    if not re.fullmatch(r"[0-9]{6}", bank_bin or "", flags=re.ASCII):
        raise _invalid("bank_bin", VietQRError.BANK_BIN)
    account = (account or "").replace(" ", "")
    if not re.fullmatch(rf"[0-9A-Za-z]{{1,{_MAX_ACCOUNT}}}", account, flags=re.ASCII):
        raise _invalid("account", VietQRError.ACCOUNT, max=_MAX_ACCOUNT)
    if service not in (SERVICE_TO_ACCOUNT, SERVICE_TO_CARD):
        raise _invalid("service", VietQRError.SERVICE)
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"amount must be an int number of VND, not {type(amount).__name__}")
        if amount <= 0 or len(str(amount)) > _MAX_AMOUNT_DIGITS:
            raise _invalid("amount", VietQRError.AMOUNT)
    qr = VietQR(
        bank_bin=bank_bin,
        account=account,
        service=service,
        amount=amount,
        purpose=_clean_text(purpose, "purpose"),
        bill_number=_clean_text(bill_number, "bill_number"),
        point_of_initiation=DYNAMIC if amount is not None else STATIC,
    )
    return qr.to_payload()


def _malformed(detail: str, **params: object) -> InvalidValue:
    """``detail``: an English phrase marked with gettext_noop, translated with the message."""
    return _invalid("payload", VietQRError.PAYLOAD_MALFORMED, detail=Text(detail, params))


def _parse_tlv(data: str, where: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    i = 0
    while i < len(data):
        header = data[i : i + 4]
        if len(header) < 4 or not header.isdigit() or not header.isascii():
            raise _malformed(gettext_noop("bad field at {position} ({where})"), position=i,
                             where=where)
        tag, length = header[:2], int(header[2:])
        value = data[i + 4 : i + 4 + length]
        if len(value) != length:
            raise _malformed(gettext_noop("field {tag} is truncated ({where})"), tag=tag,
                             where=where)
        fields.append((tag, value))
        i += 4 + length
    return fields


def _single(fields: list[tuple[str, str]], where: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for tag, value in fields:
        if tag in result:
            raise _malformed(gettext_noop("field {tag} repeated ({where})"), tag=tag, where=where)
        result[tag] = value
    return result


def parse_payload(payload: str) -> VietQR:
    """Decode and verify a VietQR payload; raise InvalidValue (field ``payload``) if bad.

    Checks the CRC first (code ``payload.crc``), then the TLV structure and the
    mandatory VietQR fields (code ``payload.malformed``).
    """
    payload = (payload or "").strip()
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise _malformed(gettext_noop("no CRC field at the end"))
    expected = crc16_ccitt_false(payload[:-4])
    if payload[-4:].upper() != expected:
        raise _invalid("payload", VietQRError.PAYLOAD_CRC)
    top = _single(_parse_tlv(payload[:-8], "root"), "root")
    if top.get("00") != "01":
        raise _malformed(gettext_noop("field 00 must be 01"))
    if top.get("01", STATIC) not in (STATIC, DYNAMIC):
        raise _malformed(gettext_noop("field 01 must be 11 or 12"))
    if "38" not in top:
        raise _malformed(gettext_noop("no merchant account field (38)"))
    merchant = _single(_parse_tlv(top["38"], "38"), "38")
    if merchant.get("00") != NAPAS_GUID:
        raise _malformed(gettext_noop("not a NAPAS code (A000000727)"))
    beneficiary = _single(_parse_tlv(merchant.get("01", ""), "38-01"), "38-01")
    bank_bin, account = beneficiary.get("00", ""), beneficiary.get("01", "")
    if not bank_bin or not account:
        raise _malformed(gettext_noop("no bank BIN or account number"))
    if top.get("53", CURRENCY_VND) != CURRENCY_VND:
        raise _malformed(gettext_noop("currency is not VND (704)"))
    amount: int | None = None
    if "54" in top:
        match = re.fullmatch(r"([0-9]+)(?:\.0*)?", top["54"], flags=re.ASCII)
        if match is None:
            raise _malformed(gettext_noop("invalid amount"))
        amount = int(match.group(1))
    additional = _single(_parse_tlv(top.get("62", ""), "62"), "62")
    known_top = {"00", "01", "38", "53", "54", "58", "62"}
    return VietQR(
        bank_bin=bank_bin,
        account=account,
        service=merchant.get("02", ""),
        amount=amount,
        purpose=additional.pop("08", None),
        bill_number=additional.pop("01", None),
        point_of_initiation=top.get("01", STATIC),
        extra=tuple((k, v) for k, v in top.items() if k not in known_top),
        additional_extra=tuple(additional.items()),
    )


def _qr(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False, boost_error=False)


def render_svg(payload: str, *, scale: int = 4, border: int = 4) -> str:
    """The QR code of ``payload`` as an inline SVG document (error correction M)."""
    return _qr(payload).svg_inline(scale=scale, border=border)


def render_png(payload: str, out: str | IO[bytes], *, scale: int = 8, border: int = 4) -> None:
    """Write the QR code of ``payload`` as PNG to a path or a binary file object."""
    _qr(payload).save(out, kind="png", scale=scale, border=border)

"""Banks a VietQR transfer can reach, by NAPAS BIN (pure Python, no Django).

The beneficiaries people choose by name when they give a payout account (a household's
shop, a cooperative hub). The list is the common part of the VietQR bank list; a bank
missing here is one line to add (its BIN is printed on every VietQR it issues)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tinhso.core.searchtext import fold


@dataclass(frozen=True)
class Bank:
    bin: str
    short_name: str
    name: str  # Vietnamese full name, as on the bank's own documents


BANKS: tuple[Bank, ...] = (
    Bank("970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    Bank("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    Bank("970415", "VietinBank", "Ngân hàng TMCP Công Thương Việt Nam"),
    Bank("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    Bank("970446", "Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
    Bank("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
    Bank("970422", "MB", "Ngân hàng TMCP Quân đội"),
    Bank("970407", "Techcombank", "Ngân hàng TMCP Kỹ Thương Việt Nam"),
    Bank("970416", "ACB", "Ngân hàng TMCP Á Châu"),
    Bank("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    Bank("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    Bank("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    Bank("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    Bank("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    Bank("970443", "SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
    Bank("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    Bank("970426", "MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
    Bank("970448", "OCB", "Ngân hàng TMCP Phương Đông"),
    Bank("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    Bank("970409", "BacABank", "Ngân hàng TMCP Bắc Á"),
    Bank("970412", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
    Bank("970419", "NCB", "Ngân hàng TMCP Quốc Dân"),
    Bank("970425", "ABBANK", "Ngân hàng TMCP An Bình"),
    Bank("970427", "VietABank", "Ngân hàng TMCP Việt Á"),
    Bank("970428", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
    Bank("970430", "PGBank", "Ngân hàng TMCP Thịnh vượng và Phát triển"),
    Bank("970433", "VietBank", "Ngân hàng TMCP Việt Nam Thương Tín"),
    Bank("970438", "BaoVietBank", "Ngân hàng TMCP Bảo Việt"),
    Bank("970452", "KienlongBank", "Ngân hàng TMCP Kiên Long"),
    Bank("970454", "BVBank", "Ngân hàng TMCP Bản Việt"),
    Bank("970400", "SaigonBank", "Ngân hàng TMCP Sài Gòn Công Thương"),
    Bank("970424", "Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
)
BY_BIN = {bank.bin: bank for bank in BANKS}

_ACCOUNT_RE = re.compile(r"[0-9]{6,19}", re.ASCII)


def bank_by_bin(bin_code: str) -> Bank | None:
    return BY_BIN.get((bin_code or "").strip())


def find_banks(text: str) -> list[Bank]:
    """Banks whose short or full name contains ``text`` (accents and case ignored):
    "ngoai thuong" and "vcb" both find Vietcombank's… the former by its full name."""
    wanted = fold(text or "").strip()
    if not wanted:
        return list(BANKS)
    return [bank for bank in BANKS
            if wanted in fold(bank.short_name) or wanted in fold(bank.name)]


def clean_account_number(value: str) -> str | None:
    """A bank account number as banks print it: 6–19 digits once spaces, dots and dashes
    are dropped; None if it is not one."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    return digits if _ACCOUNT_RE.fullmatch(digits) else None

"""One-time codes: good once, one a minute per number, burnt after five wrong tries, and a
code for one purpose never opens another."""

import pytest
from django.core.cache import cache

from tinhso.core import onetime
from tinhso.core.onetime import CodeRefused, Refusal

PHONE = "0912345678"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _refusal(call) -> Refusal:
    with pytest.raises(CodeRefused) as refused:
        call()
    return refused.value.refusal


def test_a_code_opens_once():
    code = onetime.issue("market", PHONE)
    onetime.check("market", PHONE, f" {code} ")
    assert _refusal(lambda: onetime.check("market", PHONE, code)) is Refusal.WRONG


def test_one_code_a_minute_per_number_and_purpose():
    onetime.issue("market", PHONE)
    assert _refusal(lambda: onetime.issue("market", PHONE)) is Refusal.TOO_SOON
    onetime.issue("schools.guardian", PHONE)  # another purpose has its own minute


def test_a_code_of_one_purpose_does_not_open_another():
    code = onetime.issue("market", PHONE)
    assert _refusal(lambda: onetime.check("schools.guardian", PHONE, code)) is Refusal.WRONG
    onetime.check("market", PHONE, code)


def test_the_fifth_wrong_try_burns_the_code():
    code = onetime.issue("market", PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(onetime.MAX_TRIES - 1):
        assert _refusal(lambda: onetime.check("market", PHONE, wrong)) is Refusal.WRONG
    assert _refusal(lambda: onetime.check("market", PHONE, wrong)) is Refusal.TOO_MANY
    assert _refusal(lambda: onetime.check("market", PHONE, code)) is Refusal.WRONG

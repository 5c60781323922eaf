"""Decree 30 reference data and the number-symbol format (pure)."""

import pytest

from tinhso.documents import reference as ref


def test_the_29_types_with_appendix_iii_abbreviations():
    assert len(ref.DOCUMENT_TYPES) == 29
    assert len({t.code for t in ref.DOCUMENT_TYPES}) == 29
    abbr = {t.name: t.abbreviation for t in ref.DOCUMENT_TYPES}
    assert abbr["Nghị quyết"] == "NQ" and abbr["Quyết định"] == "QĐ"
    assert abbr["Quy định"] == "QyĐ" and abbr["Chương trình"] == "CTr"
    assert abbr["Tờ trình"] == "TTr" and abbr["Giấy mời"] == "GM"
    assert abbr["Công văn"] == ""


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"number": 5, "type_code": "quyet_dinh", "agency": "UBND"}, "05/QĐ-UBND"),
    ({"number": 124, "type_code": "bao_cao", "agency": "SCT"}, "124/BC-SCT"),
    ({"number": 37, "type_code": "cong_van", "agency": "UBND", "unit": "KT"}, "37/UBND-KT"),
    ({"number": 1, "type_code": "cong_van", "agency": "UBND"}, "01/UBND"),
    ({"number": 10, "type_code": "ke_hoach", "agency": "UBND"}, "10/KH-UBND"),
    ({"number": 3, "type_code": "quyet_dinh", "agency": "UBND", "year": 2026, "legal": True},
     "03/2026/QĐ-UBND"),
])
def test_number_symbol(kwargs, expected):
    assert ref.number_symbol(**kwargs) == expected


def test_number_symbol_refuses_nonsense():
    with pytest.raises(ValueError, match="start at 1"):
        ref.number_symbol(number=0, type_code="bao_cao", agency="SCT")
    with pytest.raises(ValueError, match="abbreviation"):
        ref.number_symbol(number=1, type_code="bao_cao", agency="S/CT")
    with pytest.raises(ValueError, match="legal-normative"):
        ref.number_symbol(number=1, type_code="bao_cao", agency="UBND", year=2026, legal=True)
    with pytest.raises(KeyError):
        ref.number_symbol(number=1, type_code="nope", agency="UBND")


def test_separate_series_for_secret_and_each_legal_type():
    keys = {
        ref.series_key(agency="UBND", secret=False),
        ref.series_key(agency="UBND", secret=True),
        ref.series_key(agency="UBND", secret=False, legal_type="quyet_dinh"),
        ref.series_key(agency="UBND", secret=False, legal_type="nghi_quyet"),
        ref.series_key(agency="SCT", secret=False),
    }
    assert len(keys) == 5


def test_typed_number_symbols_compare_equal():
    assert ref.normalise_number_symbol("Số: 5/qđ-ubnd") == ref.normalise_number_symbol("05/QĐ-UBND")
    assert ref.normalise_number_symbol("124 / BC-SCT") == "124/BC-SCT"

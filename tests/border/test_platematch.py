import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.border.platematch import (
    CONFUSION_CLASSES,
    PlateIndex,
    PlateMatch,
    match_plate,
    plate_key,
)
from tinhso.core.validators import VN_PLATE_PROVINCE_CODES, normalize_vn_plate

CANDIDATES = [
    ("truck-1", "12C-123.45"),
    ("truck-2", "29H-456.78"),
    ("trailer-1", "12R-012.34"),
    ("cn-1", "桂A12345"),
    ("old-1", "14C-1234"),
    ("ld-1", "51LD-123.45"),
]


@pytest.mark.parametrize(
    ("plate", "key"),
    [
        ("12C-123.45", "12C12345"),
        ("12c 123 45", "12C12345"),
        ("12C-1234", "12C1234"),
        ("12R-012.34", "12R01234"),
        ("12RM-012.34", "12RM01234"),
        ("51LD-123.45", "51LD12345"),
        ("12LD-1234", "12LD1234"),
        ("29B1-123.45", "29B112345"),
        ("桂A·12345", "桂A12345"),
        # OCR confusions, undone by position:
        ("I2C-I23.45", "12C12345"),
        ("12C-l23.4S", "12C12345"),
        ("1ZC-O23.B5", "12C02385"),
        ("128-123.45", "12B12345"),  # 8 where the series letter must be
        ("12C-ZZZ.GG", "12C22266"),
        ("12CL-2345", "12C12345"),  # L is not a second series letter: a misread 1
        ("12O-123.45", "12D12345"),  # O, Q, D and 0 are one class: D where a letter goes
        ("", ""),
        # Chinese plates are only folded: B and 8 are one class wherever they stand.
        ("桂AB1234", "桂A81234"),
        # Outside the classes nothing is repaired: A is not a misread 4, nor T a 7.
        ("12C-123.4A", "12C1234A"),
        ("T2C-123.45", "T2C12345"),
    ],
)
def test_plate_key(plate, key):
    assert plate_key(plate) == key


@pytest.mark.parametrize(
    "read", ["12C12345", "I2C-I23.45", "12C-123.45", "12c 123 45", "12C.123.45"]
)
def test_variants_of_one_plate_match_exactly(read):
    match = match_plate(read, CANDIDATES)
    assert match == PlateMatch(key="truck-1", plate="12C-123.45", score=100.0, exact=True)


_FOLD = str.maketrans({ch: cls[0] for cls in CONFUSION_CLASSES for ch in cls[1:]})


def folded(text: str) -> str:
    """What a camera cannot tell apart, removed: the definition the key must agree with."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(_FOLD)


@pytest.mark.parametrize(("a", "b", "same"), [
    ("12C-123.45", "I2C-l23.4S", True),
    ("12D-123.45", "12Q-123.45", True),
    ("12LD-1234", "12L-012.34", True),  # a camera cannot tell these two apart
    ("桂AB1234", "桂A81234", True),
    ("12C-123.41", "12C-123.42", False),  # another digit: another truck
    ("12C-123.44", "12C-123.4A", False),  # A/4 is not a confusion class
    ("12C-123.45", "12C-123.4", False),  # a missing character
    ("12C-123.45", "12C-123.455", False),  # an extra one
])
def test_equal_keys_mean_the_same_text_up_to_the_confusion_classes(a, b, same):
    assert folded(a) == folded(b) if same else folded(a) != folded(b)
    assert (plate_key(a) == plate_key(b)) is same


_FOLDABLE = "".join(CONFUSION_CLASSES) + "ACHKMRTX34579-. "


@st.composite
def misreads(draw, text):
    """``text`` as a camera may read it: each character possibly another of its class,
    in lower case, or followed by a separator."""
    out = []
    for ch in text:
        cls = next((c for c in CONFUSION_CLASSES if ch.upper() in c), ch.upper())
        ch = draw(st.sampled_from(cls))
        out.append(ch.lower() if draw(st.booleans()) else ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from("-. ·")))
    return "".join(out)


@given(st.data(), st.text(_FOLDABLE, max_size=12))
def test_a_misread_within_the_classes_has_the_same_key(data, plate):
    assert plate_key(data.draw(misreads(plate))) == plate_key(plate)


@given(st.text(_FOLDABLE, max_size=12), st.text(_FOLDABLE, max_size=12))
def test_keys_are_equal_only_when_the_folded_texts_are(a, b):
    assert (plate_key(a) == plate_key(b)) == (folded(a) == folded(b))


@given(st.text(_FOLDABLE + "桂", max_size=12))
def test_a_key_folds_back_to_its_text(text):
    assert folded(plate_key(text)) == folded(text)


def test_one_misread_character_matches_with_a_high_score():
    match = match_plate("12C-123.4B", [("truck-1", "12C-123.45"), ("other", "29H-456.78")])
    assert match is not None
    assert match.key == "truck-1"
    assert not match.exact
    assert not match.ambiguous
    assert match.score >= 85


def test_a_missing_character_still_matches():
    match = match_plate("12C-12345", CANDIDATES)
    assert match is not None
    assert match.key == "truck-1"
    match = match_plate("12C-2345", CANDIDATES)  # first digit not read
    assert match is not None
    assert match.key == "truck-1"


def test_chinese_plate_matches_even_without_the_province_character():
    assert match_plate("桂A 12345", CANDIDATES).key == "cn-1"
    match = match_plate("A12345", CANDIDATES)  # the camera could not read 桂
    assert match is not None
    assert match.key == "cn-1"


def test_totally_different_plate_does_not_match():
    assert match_plate("99Z-987.65", CANDIDATES) is None
    assert match_plate("", CANDIDATES) is None
    assert match_plate("---", CANDIDATES) is None
    assert match_plate("12C-123.45", []) is None


def test_near_tie_is_flagged_ambiguous():
    candidates = [("a", "12C-123.45"), ("b", "12C-123.46")]
    match = match_plate("12C-123.4?", candidates)
    assert match is not None
    assert match.ambiguous
    assert {match.key, match.runner_up} == {"a", "b"}
    # Equally far from both:
    assert match_plate("12C-123.47", candidates).ambiguous


def test_clear_winner_is_not_ambiguous_even_with_a_runner_up():
    candidates = [("a", "12C-123.45"), ("b", "12C-128.76")]
    match = match_plate("12C-123.4S", candidates)
    assert match.key == "a"
    assert match.exact
    assert not match.ambiguous


def test_two_candidates_with_the_same_plate_are_ambiguous():
    match = match_plate("12C12345", [("booking-1", "12C-123.45"), ("booking-2", "12C 123 45")])
    assert match.exact
    assert match.ambiguous
    assert (match.key, match.runner_up) == ("booking-1", "booking-2")


def test_threshold_is_respected():
    assert match_plate("12C-123.99", CANDIDATES) is None  # two wrong digits: 75 < 80
    match = match_plate("12C-123.99", CANDIDATES, threshold=70)
    assert match is not None
    assert match.key == "truck-1"


def test_index_can_be_reused_for_many_reads():
    rng = random.Random(20251215)
    plates = sorted(
        {
            f"{rng.choice(['12', '14', '29', '98'])}{rng.choice('CHLR')}-"
            f"{rng.randrange(1000):03d}.{rng.randrange(100):02d}"
            for _ in range(5000)
        }
    )
    index = PlateIndex((f"id-{i}", plate) for i, plate in enumerate(plates))
    assert len(index) == len(plates)
    for i in range(0, len(plates), 97):
        read = plates[i].replace("1", "I").replace("-", " ")
        match = index.match(read)
        assert match is not None
        assert match.key == f"id-{i}"
        assert match.exact


@st.composite
def vn_plates(draw):
    province = draw(st.sampled_from(sorted(VN_PLATE_PROVINCE_CODES)))
    series = draw(st.sampled_from(["A", "C", "H", "LD", "R", "RM", "KT", "B1"]))
    number = draw(st.text("0123456789", min_size=4, max_size=5))
    return normalize_vn_plate(f"{province}{series}-{number}")


@given(vn_plates())
def test_key_of_a_canonical_plate_is_the_plate_without_separators(plate):
    key = plate_key(plate)
    assert key == plate.replace("-", "").replace(".", "")
    assert plate_key(key) == key


@given(st.text(max_size=15))
def test_plate_key_is_idempotent_on_anything(text):
    assert plate_key(plate_key(text)) == plate_key(text)

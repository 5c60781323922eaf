"""Folding and query building for search (pure, no database)."""

import pytest

from tinhso.core.searchtext import MAX_QUERY_WORDS, Query, fold, index_text, words


@pytest.mark.parametrize(("text", "folded"), [
    ("Na Chi Lăng", "na chi lang"),
    ("Thạch đen Tràng Định", "thach den trang dinh"),
    ("ĐƯỜNG", "duong"),
    ("Miến dong Bình Liêu", "mien dong binh lieu"),
    ("Quýt Bắc Sơn, hồi", "quyt bac son, hoi"),
    ("ƯỚT ỞỞ ỡ ự", "uot oo o u"),
])
def test_fold_removes_every_vietnamese_mark_and_d_stroke(text, folded):
    assert fold(text) == folded


def test_words_are_folded_letters_and_digits_only():
    assert words('Hồi "khô" 5kg* - NEAR(Lộc Bình) đ:1') == [
        "hoi", "kho", "5kg", "near", "loc", "binh", "d", "1"]
    assert index_text("Na Chi Lăng", None, "", "loại 1") == "na chi lang loai 1"


def test_query_is_plain_quoted_words_for_fts5_and_tsquery():
    query = Query("Thạch đen Tràng Đị")
    assert query.fts5() == '"thach" "den" "trang" "di"*'
    assert query.tsquery() == "thach & den & trang & di:*"
    assert Query("thach den", prefix=False).fts5() == '"thach" "den"'


@pytest.mark.parametrize("typed", [
    '"', '""', "*", "na*", "NEAR(a b)", "-na", "na -chi", "na OR chi", "a:*", "!na & |chi",
    "'; DROP TABLE x; --", "col:na", "^na", "(na", "na)", "\\", "\x00",
])
def test_user_syntax_never_reaches_the_database(typed):
    query = Query(typed)
    for term in query.words:
        assert term.isalnum() and term.isascii()
    assert all(ch.isalnum() or ch in ' "*' for ch in query.fts5())
    assert all(ch.isalnum() or ch in " &:*" for ch in query.tsquery())


def test_short_last_word_is_not_a_prefix_and_queries_are_bounded():
    assert Query("na c").words == ["na"]  # one letter would match half the catalogue
    assert not Query("c").prefix
    assert Query("na ch").prefix
    assert not Query("  *** ")
    assert len(Query(" ".join(f"w{i}" for i in range(50))).words) == MAX_QUERY_WORDS
    assert Query("na na NA Na").words == ["na"]

"""Folding and tokenising Vietnamese text for search (pure Python, no Django).

Both databases index and query the same words: the text is folded here (lower case, "đ"
to "d", every diacritic removed: "Thạch đen Tràng Định" → "thach den trang dinh") and cut
into words of letters and digits. SQLite's FTS5 ``remove_diacritics`` does not fold "đ"
(it is a letter of its own, not a "d" with a mark), so the folding cannot be left to the
database. What a person types goes through the same two steps, so a query can only ever
hold plain words: quotes, ``*``, ``NEAR``, ``-``, ``:`` or ``&`` typed by a user are
separators, never full-text syntax.
"""

from __future__ import annotations

import re
import unicodedata

#: A query longer than this is cut (nobody types more to find a product).
MAX_QUERY_CHARS = 200
#: Words of a query beyond this are ignored (each is one more posting list to intersect).
MAX_QUERY_WORDS = 8
#: The word being typed matches as a prefix only from this length ("n" alone would match
#: half the catalogue and rank all of it).
MIN_PREFIX_CHARS = 2
#: An indexed word longer than this is cut (a pasted URL or hash is not a word to find).
MAX_WORD_CHARS = 40

_WORD_RE = re.compile(r"[0-9a-z]+")
# Letters that carry no combining mark in Unicode but that a Vietnamese reader expects to
# fold: đ/Đ (and the look-alike Ð of Icelandic, which phones sometimes offer).
_LETTER_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text: str) -> str:
    """Lower case, "đ" → "d", and every diacritic removed ("Đường" → "duong")."""
    text = text.translate(_LETTER_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order: what is indexed and what is searched."""
    return [word[:MAX_WORD_CHARS] for word in _WORD_RE.findall(fold(text or ""))]


def index_text(*parts: str | None) -> str:
    """What is stored in a search index column: the folded words, separated by spaces."""
    return " ".join(word for part in parts if part for word in words(part))


class Query:
    """A person's query as plain words; ``prefix`` says the last one is still being typed."""

    __slots__ = ("prefix", "words")

    def __init__(self, text: str | None, *, prefix: bool = True) -> None:
        found = words((text or "")[:MAX_QUERY_CHARS])
        # The same word twice narrows nothing: keep the first of each.
        unique = list(dict.fromkeys(found))[:MAX_QUERY_WORDS]
        if prefix and len(unique) > 1 and len(unique[-1]) < MIN_PREFIX_CHARS:
            unique.pop()  # "thach d": the "d" is being typed; "thach" already narrows
        self.words = unique
        self.prefix = bool(prefix and unique and len(unique[-1]) >= MIN_PREFIX_CHARS)

    def __bool__(self) -> bool:
        return bool(self.words)

    def __repr__(self) -> str:
        return f"Query({self.words!r}, prefix={self.prefix})"

    def fts5(self, mark: str = "") -> str:
        """SQLite FTS5 MATCH expression: every word, each quoted; the last as a prefix.
        ``mark``: put before each word (the index's marked copies of the name's words)."""
        terms = [f'"{mark}{word}"' for word in self.words]
        if self.prefix:
            terms[-1] += "*"
        return " ".join(terms)

    def tsquery(self, weights: str = "", mark: str = "") -> str:
        """PostgreSQL ``to_tsquery`` expression: every word; the last as a prefix;
        ``weights`` ("A", "ABC"): only words indexed at those weights match; ``mark`` as
        for ``fts5``."""
        terms = [f"{mark}{word}:{weights}" if weights else f"{mark}{word}"
                 for word in self.words]
        if self.prefix:
            terms[-1] = f"{mark}{self.words[-1]}:*{weights}"
        return " & ".join(terms)

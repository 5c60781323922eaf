"""Plate-camera reads against the plates we expect: the same plate, or only a close one.

A camera at the yard gate reads ``I2C-I23.45``; we expect ``12C-123.45``. Matching
runs in two steps:

1. :func:`plate_key` turns any plate text (a canonical plate or a camera read) into a
   comparison key that folds what a camera cannot tell apart: separators, case, and the
   OCR confusion classes :data:`CONFUSION_CLASSES` (``0 O D Q``, ``8 B``, ``1 I L``,
   ``5 S``, ``2 Z``, ``6 G``). Two texts have the same key exactly when they differ only
   in those ways, so equal keys are the one test for "the same plate". The key is
   written readably: where a Vietnamese plate has its series letter, a class is written
   as its letter (``128-123.45`` → ``12B12345``), elsewhere as its digit, so for a
   canonical plate the key is usually the plate without separators
   (``12C-123.45`` → ``12C12345``) and the Django side stores it in an indexed column.
2. :class:`PlateIndex` / :func:`match_plate` compare the read's key with every
   candidate key with ``rapidfuzz`` (normalised Indel similarity, 0-100) and return
   the best one above a threshold: a *close* plate (one other digit, a missing
   character), which is a candidate for a person to confirm, never the same plate.
   When the runner-up is within ``margin`` points of the best (``12C-123.45`` vs
   ``12C-123.46`` for a read ``12C-123.4?``) the match is flagged ``ambiguous``.

Pure Python: no Django import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

__all__ = ["CONFUSION_CLASSES", "DEFAULT_MARGIN", "DEFAULT_THRESHOLD", "PlateIndex", "PlateMatch"]
__all__ += ["match_plate", "plate_key"]

#: Minimum similarity (0-100) for a fuzzy match. One wrong character in an 8-character
#: plate scores 87.5, one missing character 93.3, two wrong characters 75.
DEFAULT_THRESHOLD = 80.0
#: A best match less than this many points above the runner-up is ambiguous.
DEFAULT_MARGIN = 5.0

#: Characters a plate camera's OCR takes for one another. Reads that differ only within
#: these classes (and in separators and case) are the same plate; any other difference,
#: such as ``A`` for ``4`` or ``7`` for ``1``, makes them different plates.
CONFUSION_CLASSES = ("0ODQ", "8B", "1IL", "5S", "2Z", "6G")
_FOLD = str.maketrans({ch: cls[0] for cls in CONFUSION_CLASSES for ch in cls[1:]})
# How a class is written where a Vietnamese plate has a series letter (I, O and Q are
# not series letters).
_AS_LETTER = {"0": "D", "8": "B", "1": "L", "5": "S", "2": "Z", "6": "G"}
# Two-letter series in use: LD (foreign-invested companies), KT (army enterprises),
# RM (semi-trailers), NG/NN/QT/CV (diplomatic, foreigners, international bodies,
# experts), DA (projects), MK/MD (tractors, electric motorcycles), HC (restricted use),
# TD (pilot series). Only these count as a second letter in a 4-digit plate read.
_TWO_LETTER_SERIES = frozenset(
    ["LD", "KT", "RM", "NG", "NN", "QT", "CV", "DA", "MK", "MD", "HC", "TD"]
)

_NOT_ALNUM_RE = re.compile(r"[^0-9A-Z\u4e00-\u9fff]")
_VN_KEY_RE = re.compile(r"[0-9]{2}[A-Z]{1,2}[0-9]?[0-9]{4,5}")


def plate_key(plate: str) -> str:
    """The comparison key of a plate or a camera read, e.g. ``'12C12345'``.

    ``plate_key(a) == plate_key(b)`` exactly when ``a`` and ``b`` differ only in
    separators, case and :data:`CONFUSION_CLASSES`: the key is a function of the folded
    text (every class written as its digit), and writing it readably loses nothing.
    Idempotent. For a canonical Vietnamese plate it is the plate without separators,
    except where two plates differ only within a class and so cannot be told apart by
    a camera (``12L-012.34`` and ``12LD-1234`` share ``12LD1234``). A Chinese plate
    (``桂A12345``) or anything else not shaped like a Vietnamese plate is only folded.
    """
    return _plate_key(plate)


def vehicle_id(plate: str) -> str:
    """Which vehicle a declared plate is: the plate without separators or case. Two
    declarations with the same ``vehicle_id`` are trips of one truck; two with the same
    :func:`plate_key` but not the same ``vehicle_id`` (``桂AB1234``, ``桂A81234``) are two
    trucks a camera cannot tell apart."""
    return _compact(plate)


def _compact(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    return _NOT_ALNUM_RE.sub("", text)


def _letter(ch: str) -> str:
    return _AS_LETTER.get(ch, ch)


@lru_cache(maxsize=65536)  # a pure function of its argument: the cache holds no state
def _plate_key(plate: str) -> str:
    folded = _compact(plate).translate(_FOLD)
    # Everything below reads only `folded` and turns class digits into their letters,
    # so the key still folds back to `folded`: equal keys <=> equal folded texts.
    if not 7 <= len(folded) <= 10 or "\u4e00" <= folded[0] <= "\u9fff":
        return folded
    province, series, rest = folded[:2], _letter(folded[2]), folded[3:]
    # The number is the last 5 (or, in a 7-character plate, 4) characters, unless a
    # known two-letter series takes the first of 5 (12LD-1234). What sits between the
    # series letter and the number is the rest of the series (LD, RM, or a digit: B1).
    cut = 1 if len(rest) == 5 and series + _letter(rest[0]) in _TWO_LETTER_SERIES else max(
        len(rest) - 5, 0)
    middle, number = rest[:cut], rest[cut:]
    if middle and series + _letter(middle[0]) in _TWO_LETTER_SERIES:
        middle = _letter(middle[0]) + middle[1:]
    key = province + series + middle + number
    return key if _VN_KEY_RE.fullmatch(key) else folded


@dataclass(frozen=True, slots=True)
class PlateMatch:
    """The best candidate for a read.

    ``ambiguous`` means another candidate scored within the margin: do not act on
    ``key``, route the read to a person.
    """

    key: Hashable
    plate: str
    score: float
    exact: bool
    ambiguous: bool = False
    runner_up: Hashable | None = None


class PlateIndex:
    """Precomputed keys of the expected plates, for matching many reads quickly.

    Build it once per batch (e.g. the trucks booked at a gate today) and call
    :meth:`match` per camera read. 5,000 candidates match in about a millisecond.
    """

    def __init__(self, candidates: Iterable[tuple[Hashable, str]]) -> None:
        self._keys: list[Hashable] = []
        self._plates: list[str] = []
        for key, plate in candidates:
            self._keys.append(key)
            self._plates.append(plate)
        self._plate_keys = [plate_key(p) for p in self._plates]

    @classmethod
    def of_keys(cls, keys: Sequence[Hashable], plate_keys: Sequence[str]) -> PlateIndex:
        """An index over comparison keys computed already (a database column of
        :func:`plate_key` values): nothing to recompute, the plates are the keys."""
        index = cls(())
        index._keys, index._plates = list(keys), list(plate_keys)
        index._plate_keys = index._plates
        return index

    def __len__(self) -> int:
        return len(self._keys)

    def match(
        self,
        read: str,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
    ) -> PlateMatch | None:
        """The best candidate for ``read``, or None if nothing scores ``threshold``."""
        query = plate_key(read)
        if not query:
            return None
        found = process.extract(
            query,
            self._plate_keys,
            scorer=fuzz.ratio,
            processor=None,  # keys are already normalised
            score_cutoff=threshold,
            limit=2,  # ties keep the candidates' order
        )
        if not found:
            return None
        _, best_score, best = found[0]
        runner_up = found[1] if len(found) > 1 else None
        # The ratio is 100 only for equal keys: an exact match is ambiguous only beside
        # another exact one (two trucks with the same plate), never beside a near miss.
        exact = best_score == 100
        if exact and runner_up is not None and runner_up[1] < 100:
            runner_up = None
        ambiguous = runner_up is not None and best_score - runner_up[1] < margin
        return PlateMatch(
            key=self._keys[best],
            plate=self._plates[best],
            score=round(best_score, 1),
            exact=exact,
            ambiguous=ambiguous,
            runner_up=self._keys[runner_up[2]] if runner_up is not None else None,
        )

    def nearest(self, read: str, *, limit: int = 3,
                threshold: float = DEFAULT_THRESHOLD) -> list[Hashable]:
        """The keys of up to ``limit`` candidates scoring ``threshold`` or more, best first:
        what a person may be shown for a read that matches nobody exactly."""
        query = plate_key(read)
        if not query:
            return []
        found = process.extract(query, self._plate_keys, scorer=fuzz.ratio, processor=None,
                                score_cutoff=threshold, limit=limit)
        return [self._keys[position] for _, _, position in found]


def match_plate(
    read: str,
    candidates: Iterable[tuple[Hashable, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float = DEFAULT_MARGIN,
) -> PlateMatch | None:
    """Match one camera ``read`` against ``(key, canonical_plate)`` candidates.

    Returns None when nothing is similar enough; a :class:`PlateMatch` otherwise,
    with ``exact=True`` when the keys are equal and ``ambiguous=True`` when the
    caller must not decide alone. For many reads against the same candidates, build
    a :class:`PlateIndex` once instead.
    """
    return PlateIndex(candidates).match(read, threshold=threshold, margin=margin)

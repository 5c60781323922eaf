"""What of a procedure `core.search` indexes (accent-insensitive: "khai sinh" finds "Đăng ký
khai sinh", "dat dai" finds "Đất đai"): its name and national code first, its field next,
the agencies and the result last. The catalogue's filters (field, level, online level)
are ordinary filters on the ranked queryset: 1,603 procedures are few enough for
`search.search`."""

from __future__ import annotations

from tinhso.core import search


def register() -> None:
    from tinhso.publicservices.models import Procedure

    search.register(Procedure, a=("name", "code"), b=("field",),
                    c=("receiving_agency", "deciding_agency", "result"))

"""What of a profile is searchable (core.search): its name first; its field, commune,
products and team next; its summary last. Only published profiles are indexed."""

from __future__ import annotations

from django.utils import translation

from tinhso.core import search


def _labels(profile) -> str:
    with translation.override("vi"):
        return f"{profile.get_field_display()} {profile.get_kind_display()}"


def register() -> None:
    from tinhso.innovation.models import Profile, ProfileState

    search.register(
        Profile, a=("name",), b=("commune.name", "products", _labels), c=("summary", "team"),
        select_related=("commune",), where=lambda p: p.state == ProfileState.PUBLISHED)

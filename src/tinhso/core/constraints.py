"""Database check constraints shared by the apps' models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tinhso.core.validators import STORABLE_FROM, STORABLE_UNTIL


def moment_in_window(field: str, name: str, *, nullable: bool = False) -> models.CheckConstraint:
    """``field`` (a DateTimeField that people, cameras or banks feed) holds only instants
    the edge accepts (`validators.STORABLE_FROM`–`STORABLE_UNTIL`): a year-1 or year-9999
    row can no longer be stored and break every list that reads it."""
    condition = Q(**{f"{field}__gte": STORABLE_FROM, f"{field}__lt": STORABLE_UNTIL})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)


def repair_out_of_window(apps, app_label: str, rules: list[tuple[str, str, str | None]]) -> None:
    """For a data migration that runs before `moment_in_window` constraints are added: find
    every row already stored outside the window, print it, and repair what can be repaired
    without guessing. ``rules`` are ``(model, field, repair)``: ``repair`` is ``"null"``
    (an optional moment is forgotten), the name of another field whose value replaces it
    (a camera read takes the time the server received it), or None: the row cannot be
    repaired without a person, so the migration stops and names it. A clean database
    prints nothing and changes nothing."""
    unrepairable = []
    for model_name, field, repair in rules:
        model = apps.get_model(app_label, model_name)
        outside = model.objects.filter(Q(**{f"{field}__lt": STORABLE_FROM})
                                       | Q(**{f"{field}__gte": STORABLE_UNTIL}))
        for pk, value in outside.values_list("pk", field).order_by("pk"):
            line = f"{app_label}.{model_name} #{pk}: {field} = {value!r} is outside the window"
            if repair is None:
                unrepairable.append(line)
                print(f"  {line}: fix it by hand")
            elif repair == "null":
                print(f"  {line}: set to NULL")
            else:
                print(f"  {line}: set to its {repair}")
        if repair == "null":
            outside.update(**{field: None})
        elif repair is not None:
            outside.update(**{field: models.F(repair)})
    if unrepairable:
        raise RuntimeError(
            "Rows with impossible dates must be corrected before the date constraints can "
            "be added:\n" + "\n".join(unrepairable))

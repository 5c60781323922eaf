"""Write audit entries. Called by services inside their own transaction."""

from __future__ import annotations

from typing import Any

from tinhso.core.models import AuditEntry
from tinhso.core.request_context import client_ip


def _actor_fields(actor) -> dict[str, Any]:
    from tinhso.accounts.models import ApiKey

    if actor is None:
        return {"actor": None, "actor_label": "system", "organization": None}
    if isinstance(actor, ApiKey):
        return {
            "actor": None,
            "actor_label": f"api-key:{actor.prefix} ({actor.name})",
            "organization_id": actor.organization_id,
        }
    return {"actor": actor, "actor_label": str(actor)[:200], "organization": None}


def record(
    *,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
    organization=None,
    note: str = "",
) -> AuditEntry:
    fields = _actor_fields(actor)
    if organization is not None:
        fields.pop("organization_id", None)
        fields["organization"] = organization
    return AuditEntry.objects.create(
        **fields,
        ip=client_ip(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        note=note,
    )

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from tinhso.accounts import services
from tinhso.accounts.auth import session_auth
from tinhso.accounts.models import ApiKey, Organization
from tinhso.accounts.permissions import require
from tinhso.accounts.schemas import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut, MeOut
from tinhso.core.paging import Page, PageIn, page_of
from tinhso.core.schema_types import Id

router = Router(tags=["accounts"])


def _key_out(api_key: ApiKey) -> dict:
    return {
        "id": api_key.id,
        "organization_code": api_key.organization.code,
        "name": api_key.name,
        "prefix": api_key.prefix,
        "scopes": api_key.scopes,
        "created_at": api_key.created_at,
        "revoked_at": api_key.revoked_at,
    }


@router.get("/me", response=MeOut, auth=session_auth)
def me(request):
    user = request.auth
    memberships = user.memberships.select_related("organization")
    return {
        "id": user.id,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "memberships": [
            {"organization_code": m.organization.code, "organization_name": m.organization.name,
             "role": m.role}
            for m in memberships
        ],
    }


@router.get("/api-keys", response=Page[ApiKeyOut], auth=session_auth)
def list_api_keys(request, page: Query[PageIn]):
    """Every API key, newest first, a page at a time."""
    require(request.auth, "accounts.manage_api_keys")
    return page_of(ApiKey.objects.select_related("organization").order_by("-id"), page,
                   _key_out)


@router.post("/api-keys", response={201: ApiKeyCreatedOut}, auth=session_auth)
def create_api_key(request, payload: ApiKeyIn):
    require(request.auth, "accounts.manage_api_keys")
    organization = get_object_or_404(Organization, code=payload.organization_code)
    api_key, full_key = services.create_api_key(
        actor=request.auth, organization=organization, name=payload.name, scopes=payload.scopes
    )
    return Status(201, {**_key_out(api_key), "key": full_key})


@router.post("/api-keys/{key_id}/revoke", response=ApiKeyOut, auth=session_auth)
def revoke_api_key(request, key_id: Id):
    require(request.auth, "accounts.manage_api_keys")
    api_key = get_object_or_404(ApiKey.objects.select_related("organization"), pk=key_id)
    return _key_out(services.revoke_api_key(actor=request.auth, api_key=api_key))

"""The platform's JSON API at /api/v1/: one NinjaAPI, each app mounts its router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.urls import URLPattern, include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from tinhso.core.api_errors import translate_error
from tinhso.core.errors import CoreError, DomainError, InvalidInput, core_error


class TinhSoAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        errors = []
        for context in error_contexts:
            model = context.model
            for raw in context.pydantic_validation_error.errors(include_url=False):
                raw["loc"] = (model.__ninja_param_source__,) + (
                    model.__ninja_flatten_map_reverse__.get(raw["loc"], raw["loc"])
                )
                errors.append(translate_error(raw))
        return ValidationError(errors)


api = TinhSoAPI(
    title="Tỉnh Số API",
    version="1.0.0",
    description=(
        "API của nền tảng chuyển đổi số tỉnh Lạng Sơn / API of the Lạng Sơn digital "
        "platform. Browsers authenticate with their session (CSRF required); machines "
        "(plate cameras, other agencies) send `X-API-Key`."
    ),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    # Each error was translated by translate_error (validation_error_from_error_contexts).
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(InvalidInput)
def on_invalid_input(request, exc: InvalidInput):
    return api.create_response(request, {"detail": exc.as_list()}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=exc.status)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return on_domain_error(request, core_error(CoreError.FORBIDDEN))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return on_domain_error(request, core_error(CoreError.NOT_FOUND))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return on_domain_error(request, core_error(CoreError.UNAUTHENTICATED))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    """The database is unreachable: 503 with the usual error body, never a traceback."""
    from tinhso.core.middleware import database_unavailable

    return database_unavailable(request)


def _mount_routers() -> None:
    from tinhso.accounts.api import router as accounts_router
    from tinhso.border.api import router as border_router
    from tinhso.documents.api import router as documents_router
    from tinhso.innovation.api import router as innovation_router
    from tinhso.ioc.api import router as ioc_router
    from tinhso.market.api_catalogue import router as market_catalogue_router
    from tinhso.market.api_hubs import router as market_hubs_router
    from tinhso.market.api_orders import router as market_orders_router
    from tinhso.meetings.api import router as meetings_router
    from tinhso.payments.api import router as payments_router
    from tinhso.publicservices.api import router as public_services_router
    from tinhso.schools.api import router as schools_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/border", border_router)
    api.add_router("/documents", documents_router)
    api.add_router("/innovation", innovation_router)
    api.add_router("/ioc", ioc_router)
    api.add_router("/market", market_catalogue_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/payments", payments_router)
    api.add_router("/public-services", public_services_router)
    api.add_router("/schools", schools_router)
    api.add_router("/market", market_hubs_router)
    api.add_router("/market", market_orders_router)


_mount_routers()


def grouped_urls(urls: tuple) -> tuple:
    """``api.urls`` with its routes grouped under their first segment (``market/``,
    ``border/``…): ninja lists every operation's route flat, so resolving
    ``/api/v1/market/products`` tried every route of the routers mounted before it (a tenth
    of a catalogue search's time in Python); now one pattern per segment, then that
    segment's routes. Names, order within a segment and the namespace are unchanged; a
    route whose first segment is a parameter would make the order matter, so then nothing
    is grouped."""
    patterns, app_name, namespace = urls
    routes = [str(pattern.pattern) for pattern in patterns]
    if any("<" in route.partition("/")[0] for route in routes) or not all(
            isinstance(pattern, URLPattern) for pattern in patterns):
        return urls
    grouped: list = []
    members: dict[str, list] = {}
    for pattern, route in zip(patterns, routes, strict=True):
        head, slash, rest = route.partition("/")
        if not slash:  # "docs", "openapi.json", the root
            grouped.append(pattern)
            continue
        if head not in members:
            members[head] = []
            grouped.append(path(f"{head}/", include(members[head])))
        members[head].append(path(rest, pattern.callback, pattern.default_args,
                                  name=pattern.name))
    return grouped, app_name, namespace

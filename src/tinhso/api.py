"""The platform's JSON API at /api/v1/: one NinjaAPI, each app mounts its router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from tinhso.core.api_errors import translate_error
from tinhso.core.errors import DomainError, InvalidInput
from tinhso.core.language import current_language


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
    lang = current_language()
    detail = [
        {**error, "message": error["message_en"] if lang == "en" else error["message_vi"]}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(InvalidInput)
def on_invalid_input(request, exc: InvalidInput):
    return api.create_response(request, {"detail": exc.as_list(current_language())}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": [exc.as_dict(current_language())]}, status=exc.status)


def _plain_error(request, code: str, vi: str, en: str, status: int):
    body = {"code": code, "message": en if current_language() == "en" else vi, "message_vi": vi,
            "message_en": en}
    return api.create_response(request, {"detail": [body]}, status=status)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _plain_error(request, "forbidden", "Bạn không có quyền thực hiện thao tác này.",
                        "You are not allowed to do this.", 403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _plain_error(request, "not_found", "Không tìm thấy.", "Not found.", 404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _plain_error(request, "unauthenticated", "Cần đăng nhập hoặc khóa API hợp lệ.",
                        "Log in or send a valid API key.", 401)


def _mount_routers() -> None:
    from tinhso.accounts.api import router as accounts_router
    from tinhso.border.api import router as border_router
    from tinhso.payments.api import router as payments_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/border", border_router)
    api.add_router("/payments", payments_router)


_mount_routers()

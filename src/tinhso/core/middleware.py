"""Two guards at the edge of every request, page or API.

- `InputGuardMiddleware` refuses a path, query string or form field holding a control
  character or a lone surrogate (PostgreSQL cannot store NUL; no person types one) with a
  4xx naming the field, before any view or query sees it. JSON bodies are checked by the
  schemas' own types (`core.schema_types`).
- `DatabaseUnavailableMiddleware` answers 503 (JSON for the API, a plain page otherwise,
  no traceback) when the database cannot be reached, instead of a 500.
"""

from __future__ import annotations

import logging
from html import escape

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from tinhso.core.errors import CoreError, core_error
from tinhso.core.language import current_language
from tinhso.core.validators import InvalidValue, check_text

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", "")


def _plain_page(status: int, lines: list[str]) -> HttpResponse:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return HttpResponse(
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>{status}</title>'
        f"<body>{body}</body></html>", status=status, content_type="text/html; charset=utf-8")


def _error_response(request, error, status: int) -> HttpResponse:
    """``error`` (a DomainError or an InvalidValue) as the API's error body, or as a plain
    page in Vietnamese then English."""
    if _wants_json(request):
        return JsonResponse({"detail": [{
            "field": error.field, "code": str(error.code),
            "message": error.message(current_language()),
            "message_vi": error.message_vi, "message_en": error.message_en}]}, status=status)
    prefix = f"{error.field}: " if error.field else ""
    return _plain_page(status, [prefix + error.message_vi, prefix + error.message_en])


def database_unavailable(request) -> HttpResponse:
    response = _error_response(request, core_error(CoreError.UNAVAILABLE), 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        error = self._first_bad_field(request)
        if error is not None:
            return _error_response(request, error, 422 if _wants_json(request) else 400)
        return self.get_response(request)

    @staticmethod
    def _first_bad_field(request) -> InvalidValue | None:
        try:
            check_text(request.path, "path")
            if request.method == "POST":
                # Parsing a multipart form consumes the stream; read (and keep) the body
                # first so a view that reads `request.body` (the bank webhook's signature)
                # still can. Nothing on this platform uploads files.
                request.body  # noqa: B018
            sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
            for source in sources:
                for name, values in source.lists():
                    check_text(name, "name")
                    for value in values:
                        check_text(value, name[:64])
        except InvalidValue as error:
            return error
        return None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable: %s %s: %s", request.method, request.path,
                         exception)
            return database_unavailable(request)
        return None

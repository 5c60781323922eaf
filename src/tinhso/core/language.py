"""Vietnamese first: pages are in Vietnamese unless the person chose English (the switch in
the header, or their profile). A browser's Accept-Language is not a choice — most phones in
Lạng Sơn send English — so pages ignore it; API clients set it on purpose, so /api/ honours it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _ in settings.LANGUAGES}


class VietnameseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response

    def _choose(self, request) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in SUPPORTED:
            return chosen
        if request.path.startswith("/api/"):
            header = translation.get_language_from_request(request)
            return header if header in SUPPORTED else settings.LANGUAGE_CODE
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", None) if user and user.is_authenticated \
            else None
        return preferred if preferred in SUPPORTED else settings.LANGUAGE_CODE


def current_language() -> str:
    """'en' or 'vi': which of our two texts (message_vi / message_en) to show now."""
    return "en" if (translation.get_language() or "vi").startswith("en") else "vi"

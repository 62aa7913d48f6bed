from django.conf import settings
from django.utils import translation


class PreferredLanguageMiddleware:
    """Bahasa Indonesia unless the user chose otherwise with the language switch (cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many phones in
    Indonesia run an English system locale, and Pintu speaks Indonesian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

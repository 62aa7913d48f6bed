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


class DomainErrorMiddleware:
    """A domain error that reaches a page unhandled becomes the matching HTTP answer (the API maps
    errors itself): PermissionDenied → 403, NotFound → 404. Nothing was committed: services raise
    before or inside their transaction."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
        from django.http import Http404

        from pintu.core.errors import NotFound, PermissionDenied

        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(str(exception.message)) from exception
        if isinstance(exception, NotFound):
            raise Http404(str(exception.message)) from exception
        return None

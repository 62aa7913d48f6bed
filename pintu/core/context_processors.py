from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.PINTU_SITE_NAME,
        "BASE_URL": settings.PINTU_BASE_URL,
    }

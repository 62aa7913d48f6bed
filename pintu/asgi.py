"""ASGI entry point. Prefer the WSGI entry point for Pintu's synchronous views."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pintu.settings")
application = get_asgi_application()

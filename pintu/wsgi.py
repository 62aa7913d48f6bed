"""WSGI entry point (gunicorn pintu.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pintu.settings")
application = get_wsgi_application()

"""Test settings: the production module with faster password hashing, nothing else.

Tests never change behaviour through settings; they only skip work that makes them slow.
"""

import os

os.environ.setdefault("PINTU_TESTING", "1")
os.environ.setdefault("PINTU_DEBUG", "0")
os.environ.setdefault("PINTU_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PINTU_SECURE_COOKIES", "0")

from pintu.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

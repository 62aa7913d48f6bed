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

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the in-memory default, so concurrency tests see real SQLite locking (WAL).
    # One file per test process, so parallel runs never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Tests need no durability: commits do not wait for the WAL flush (results are the same).
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()

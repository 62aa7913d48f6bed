"""Benchmark settings: the production settings module, with the bare baseline views added to the URLs.

Everything else (database, secret key, throttle rates, static and media roots) comes from the
environment variables that ``bench/run.py`` sets before Django starts.
"""

from pintu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

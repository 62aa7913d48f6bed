"""API throttles as fixed-window counters on the cache: two cache operations a request, no list
of timestamps to load and store (DRF's SimpleRateThrottle keeps one per client)."""

from __future__ import annotations

import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from pintu.core.throttle import allow

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), UNITS[period.strip()[0].lower()]


class ScopedWindowThrottle(BaseThrottle):
    """Per authenticated user, else per client address; the view names its ``throttle_scope``
    whose rate comes from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "throttle_scope", None)
        rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(scope) if scope else None
        if not rate:
            return True
        self.limit, self.window = parse_rate(rate)
        user = getattr(request, "user", None)
        ident = (
            f"user:{user.pk}"
            if user is not None and user.is_authenticated
            else f"ip:{self.get_ident(request)}"
        )
        return allow(f"api:{scope}:{ident}", limit=self.limit, window=self.window)

    def wait(self) -> float:
        return self.window - (time.time() % self.window)

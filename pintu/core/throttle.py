"""A small fixed-window rate limit on the cache, for pages (the API uses DRF's throttles)."""

from __future__ import annotations

import functools
import time

from django.core.cache import cache
from django.shortcuts import render


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` hits fell in this window."""
    bucket = f"throttle:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window + 5)
    try:
        hits = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=window + 5)
        hits = 1
    return hits <= limit


def per_ip(scope: str, *, limit: int, window: int = 60):
    """Decorator: answer 429 with a friendly page when one address asks too often."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            address = request.META.get("REMOTE_ADDR", "unknown")
            if not allow(f"{scope}:{address}", limit=limit, window=window):
                response = render(request, "errors/429.html", status=429)
                response["Retry-After"] = str(window)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

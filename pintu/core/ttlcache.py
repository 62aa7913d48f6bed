"""A small per-process cache with expiry, for reference data read on hot paths (org unit names,
published service versions, regency days off). Changes reach every process within the TTL;
the process that made the change clears its own copy at once."""

from __future__ import annotations

import functools
import threading
import time

_REGISTRY: list = []


def ttl_cache(seconds: float):
    def decorator(func):
        store: dict = {}
        lock = threading.Lock()

        @functools.wraps(func)
        def wrapper(*args):
            now = time.monotonic()
            hit = store.get(args)
            if hit is not None and hit[0] > now:
                return hit[1]
            value = func(*args)
            with lock:
                store[args] = (now + seconds, value)
            return value

        def clear():
            with lock:
                store.clear()

        wrapper.cache_clear = clear
        _REGISTRY.append(wrapper)
        return wrapper

    return decorator


def register(clear) -> None:
    """Have ``clear_all`` also call ``clear`` (for other per-process caches)."""

    class _Clearable:
        cache_clear = staticmethod(clear)

    _REGISTRY.append(_Clearable)


def clear_all() -> None:
    """Forget everything (tests call this between cases)."""
    for wrapper in _REGISTRY:
        wrapper.cache_clear()

"""SMS/WhatsApp gateways behind one small interface.

A provider subclasses :class:`MessageGateway`, registers itself with ``@register("name")``
and is chosen with ``PINTU_MESSAGE_GATEWAY``. Domain code only calls ``get_gateway().send``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

_REGISTRY: dict[str, type[MessageGateway]] = {}
BUILTIN = {
    "log": "pintu.notifications.gateways.logging.LoggingGateway",
    "fake": "pintu.notifications.gateways.fake.FakeGateway",
}


class GatewayError(Exception):
    """Delivery failed; the task retries later."""


class MessageGateway:
    name = "base"

    def send(self, *, recipient: str, body: str) -> str:
        """Send a text message to an Indonesian mobile number (628…); return the provider's id."""
        raise NotImplementedError


def register(name: str):
    def decorator(cls):
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorator


def get_gateway(name: str | None = None) -> MessageGateway:
    name = name or settings.PINTU_MESSAGE_GATEWAY
    if name not in _REGISTRY and name in BUILTIN:
        import_string(BUILTIN[name])
    if name not in _REGISTRY:
        raise GatewayError(
            f"unknown message gateway {name!r}; known: {sorted(set(_REGISTRY) | set(BUILTIN))}"
        )
    return _REGISTRY[name]()

"""Shared schema pieces: the error envelope and common parameters."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorBody = inline_serializer(
    name="ErrorBody",
    fields={
        "code": serializers.CharField(help_text="Stable machine-readable code, e.g. case.invalid_transition"),
        "message": serializers.CharField(help_text="Message in Bahasa Indonesia the user can act on"),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)
ErrorEnvelope = inline_serializer(name="Error", fields={"error": ErrorBody})


def errors(*statuses: int) -> dict:
    return {code: OpenApiResponse(ErrorEnvelope, description="Error") for code in statuses}


IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Any unique string (a UUID) per intended action. Retrying with the same key returns "
    "the first result instead of acting twice.",
)


def add_fast_views(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: endpoints served by plain Django views for speed are
    documented through the DRF view that states their contract (see cases.api.TrackingView)."""
    from pintu.cases.api import TrackingView

    endpoints = [e for e in endpoints if e[0] != "/api/v1/track/{code}/"]
    endpoints.append(
        ("/api/v1/track/{code}/", r"^api/v1/track/(?P<code>[^/]+)/$", "GET", TrackingView.as_view())
    )
    return endpoints

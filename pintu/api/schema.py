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

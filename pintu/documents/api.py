"""API of issued documents: the anonymous verification lookup and, for the issuing unit's
officials, revocation."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.api.throttling import ScopedWindowThrottle
from pintu.documents import selectors
from pintu.documents.services import document_revoke


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    number = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    issuer = serializers.CharField()
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateField(allow_null=True)
    validity = serializers.ChoiceField(choices=["valid", "expired", "revoked"])
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField(allow_blank=True)
    holder_label = serializers.CharField(allow_blank=True, help_text="Masked, e.g. 'S***i'")
    signed = serializers.BooleanField()
    signature_provider = serializers.CharField(allow_blank=True)
    signer_position = serializers.CharField(allow_blank=True)
    certificate_subject = serializers.CharField(allow_blank=True)
    certificate_serial = serializers.CharField(allow_blank=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    sha256 = serializers.CharField()
    verify_url = serializers.SerializerMethodField()

    def get_verify_url(self, record) -> str:
        return reverse("documents:verify", args=[record.code])


class VerificationView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "verification"
    throttle_classes = [ScopedWindowThrottle]

    @extend_schema(
        tags=["documents"],
        summary="Verify an issued document by its code (public; nothing personal)",
        responses={200: VerificationSerializer, **errors(404, 429)},
    )
    def get(self, request, code: str):
        return Response(VerificationSerializer(selectors.public_record(code)).data)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Shown on the public verification page")


class RevokeView(APIView):
    @extend_schema(
        tags=["documents"],
        summary="Revoke an issued document (the issuing unit's officials, regency admin)",
        request=RevokeSerializer,
        responses={200: VerificationSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, code: str):
        document = selectors.document_get_for(principal_for(request.user), code)
        payload = RevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document_revoke(actor=request.user, document=document, reason=payload.validated_data["reason"])
        return Response(VerificationSerializer(selectors.public_record(document.code)).data)

"""Letters API: types, counter issuance, the register, a letter and its PDF, revocation, and
citizen requests with one endpoint per action. Views only translate."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.api.throttling import ScopedWindowThrottle
from pintu.core.errors import NotFound, PermissionDenied, ValidationFailed
from pintu.letters import selectors
from pintu.letters import services as ls
from pintu.letters.constants import RequestAction
from pintu.letters.models import Letter, LetterRequest, LetterType

TAGS = ["letters"]


# --- serializers ----------------------------------------------------------------------------------


class LetterFieldSpecSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    help = serializers.CharField(required=False)


class LetterTypeSerializer(serializers.ModelSerializer):
    fields = LetterFieldSpecSerializer(source="fields_schema", many=True)
    title = serializers.CharField()

    class Meta:
        model = LetterType
        fields = [
            "code",
            "slug",
            "name",
            "title",
            "classification_code",
            "requirements",
            "validity_days",
            "citizen_requestable",
            "fields",
        ]


class LetterSerializer(serializers.ModelSerializer):
    letter_type = serializers.CharField(source="letter_type.code")
    letter_type_name = serializers.CharField(source="letter_type.name")
    verification_code = serializers.CharField(source="document.code", allow_null=True, default=None)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "number",
            "letter_type",
            "letter_type_name",
            "resident_name",
            "purpose",
            "fields",
            "status",
            "issued_at",
            "valid_until",
            "signer_name",
            "verification_code",
            "pdf_url",
        ]

    def get_pdf_url(self, letter) -> str:
        from django.urls import reverse

        return reverse("api:letters-pdf", args=[letter.pk])


class LetterRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    letter_type_name = serializers.CharField(source="letter_type.name")
    resident_name = serializers.CharField()
    issued_at = serializers.DateTimeField()
    status = serializers.CharField()


class RegisterPageSerializer(serializers.Serializer):
    results = LetterRowSerializer(many=True)
    next_cursor = serializers.CharField()


class LetterRequestEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    label = serializers.CharField(source="get_action_display")
    to_status = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class LetterRequestSerializer(serializers.ModelSerializer):
    letter_type = serializers.CharField(source="letter_type.code")
    letter_type_name = serializers.CharField(source="letter_type.name")
    status_label = serializers.CharField(source="get_status_display")
    letter = LetterSerializer(allow_null=True)
    events = LetterRequestEventSerializer(many=True, source="events.all")

    class Meta:
        model = LetterRequest
        fields = [
            "id",
            "letter_type",
            "letter_type_name",
            "status",
            "status_label",
            "purpose",
            "fields",
            "note",
            "created_at",
            "updated_at",
            "letter",
            "events",
        ]


class LetterIssueSerializer(serializers.Serializer):
    office = serializers.IntegerField(required=False, help_text="Village office id (when you serve several).")
    letter_type = serializers.CharField(help_text="Letter type code, e.g. S-41.")
    resident = serializers.IntegerField(help_text="Resident id (from the population search).")
    purpose = serializers.CharField(max_length=255, allow_blank=True)
    fields = serializers.DictField(required=False, default=dict)


class LetterRequestCreateSerializer(serializers.Serializer):
    letter_type = serializers.CharField()
    purpose = serializers.CharField(max_length=255, allow_blank=True)
    fields = serializers.DictField(required=False, default=dict)


class LetterNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LetterResubmitSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=255, allow_blank=True)
    fields = serializers.DictField(required=False, default=dict)


class LetterRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


# --- helpers --------------------------------------------------------------------------------------


def _type_by_code(code: str) -> LetterType:
    letter_type = LetterType.objects.filter(code=code, is_active=True).first()
    if letter_type is None:
        raise ValidationFailed(
            fields={"letter_type": ["Jenis surat tidak dikenal."]}, code="letters.type_unknown"
        )
    return letter_type


def _linked_id(user) -> int | None:
    from pintu.population.selectors import linked_resident_for

    resident = linked_resident_for(user)
    return resident.pk if resident else None


OFFICE_PARAM = OpenApiParameter(
    "office", int, description="Village office id (staff serving several offices)."
)


# --- views ----------------------------------------------------------------------------------------


class LetterTypeListView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Letter types enabled at my village office (staff) or requestable in my village (citizen)",
        parameters=[OFFICE_PARAM],
        responses={200: LetterTypeSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        principal = principal_for(request.user)
        if principal.is_citizen:
            from pintu.population.selectors import linked_resident_for
            from pintu.regions.selectors import village_office_for

            resident = linked_resident_for(request.user)
            office = village_office_for(resident.village_id) if resident else None
            types = selectors.village_types(office, citizen=True) if office else []
        else:
            office = selectors.staff_office(principal, request.query_params.get("office"))
            types = selectors.village_types(office)
        return Response(LetterTypeSerializer([e.letter_type for e in types], many=True).data)


class LetterListIssueView(APIView):
    throttle_scope = "submission"

    def get_throttles(self):
        return [ScopedWindowThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        summary="The register of issued letters of my village office (newest first, keyset pages)",
        operation_id="letters_register",
        parameters=[
            OFFICE_PARAM,
            OpenApiParameter("type", str, description="Letter type code"),
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("cursor", str),
        ],
        responses={200: RegisterPageSerializer, **errors(401, 403)},
    )
    def get(self, request):
        office = selectors.staff_office(principal_for(request.user), request.query_params.get("office"))
        code = request.query_params.get("type")
        type_id = LetterType.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
        page = selectors.letter_register(
            office=office,
            letter_type_id=type_id,
            month=request.query_params.get("month"),
            cursor=request.query_params.get("cursor"),
        )
        return Response(RegisterPageSerializer({"results": page.rows, "next_cursor": page.next_cursor}).data)

    @extend_schema(
        tags=TAGS,
        summary="Issue a letter at the counter: numbered, rendered, signed electronically",
        request=LetterIssueSerializer,
        responses={201: LetterSerializer, **errors(400, 401, 403, 409)},
    )
    def post(self, request):
        payload = LetterIssueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        principal = principal_for(request.user)
        office = selectors.staff_office(principal, data.get("office"))
        from pintu.population.selectors import resident_get_for

        resident = resident_get_for(
            principal=principal, resident_id=data["resident"], purpose="Penerbitan surat desa"
        )
        letter = ls.letter_issue(
            actor=request.user,
            village_office=office,
            letter_type=_type_by_code(data["letter_type"]),
            resident=resident,
            fields=data.get("fields") or {},
            purpose=data["purpose"],
        )
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)


class LetterDetailView(APIView):
    @extend_schema(
        tags=TAGS, summary="An issued letter", responses={200: LetterSerializer, **errors(401, 404)}
    )
    def get(self, request, pk: int):
        letter = selectors.letter_for(
            principal_for(request.user), pk, linked_resident_id=_linked_id(request.user)
        )
        return Response(LetterSerializer(letter).data)


class LetterPdfView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The signed PDF of a letter",
        responses={(200, "application/pdf"): bytes, **errors(401, 404)},
    )
    def get(self, request, pk: int):
        letter = selectors.letter_for(
            principal_for(request.user), pk, linked_resident_id=_linked_id(request.user)
        )
        if not letter.document_id:
            raise NotFound()
        response = FileResponse(
            letter.document.pdf.file.open("rb"),
            as_attachment=True,
            filename=f"{letter.letter_type.slug}-{letter.document.code}.pdf",
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class LetterRevokeView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Revoke a letter (kepala desa); the verification page then says DICABUT",
        request=LetterRevokeSerializer,
        responses={200: LetterSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        payload = LetterRevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        letter = selectors.letter_for(principal_for(request.user), pk)
        letter = ls.letter_revoke(actor=request.user, letter=letter, reason=payload.validated_data["reason"])
        return Response(LetterSerializer(letter).data)


class RequestListCreateView(APIView):
    throttle_scope = "submission"

    def get_throttles(self):
        return [ScopedWindowThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=TAGS,
        summary="My letter requests (citizen) or the open requests of my village office (staff)",
        parameters=[OFFICE_PARAM, OpenApiParameter("status", str), OpenApiParameter("cursor", str)],
        responses={200: LetterRequestSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        principal = principal_for(request.user)
        if principal.is_citizen:
            rows = selectors.my_requests(request.user)
        else:
            office = selectors.staff_office(principal, request.query_params.get("office"))
            rows = selectors.request_inbox(
                office=office,
                status=request.query_params.get("status"),
                cursor=request.query_params.get("cursor"),
            ).rows
        ids = [r.pk for r in rows]
        full = LetterRequest.objects.filter(pk__in=ids).select_related(
            "letter_type", "letter__document", "letter__letter_type"
        )
        full = sorted(full.prefetch_related("events"), key=lambda r: ids.index(r.pk))
        return Response(LetterRequestSerializer(full, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Request a letter from my village (citizen account linked to the registry)",
        request=LetterRequestCreateSerializer,
        responses={201: LetterRequestSerializer, **errors(400, 401, 403)},
    )
    def post(self, request):
        payload = LetterRequestCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        req = ls.letter_request_create(
            actor=request.user,
            letter_type=_type_by_code(data["letter_type"]),
            purpose=data["purpose"],
            fields=data["fields"],
        )
        return Response(LetterRequestSerializer(req).data, status=status.HTTP_201_CREATED)


class RequestDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A letter request with its history",
        responses={200: LetterRequestSerializer, **errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(LetterRequestSerializer(selectors.request_for(principal_for(request.user), pk)).data)


def _request_action_view(action: str, serializer_class, summary: str):
    class RequestActionView(APIView):
        @extend_schema(
            tags=TAGS,
            summary=summary,
            operation_id=f"letters_requests_{action}",
            request=serializer_class,
            responses={200: LetterRequestSerializer, **errors(400, 401, 403, 404, 409)},
        )
        def post(self, request, pk: int):
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            req = selectors.request_for(principal_for(request.user), pk)
            actor = request.user
            if action == RequestAction.CHECK:
                req = ls.letter_request_check(actor=actor, request=req, note=data.get("note", ""))
            elif action == RequestAction.RETURN:
                req = ls.letter_request_return(actor=actor, request=req, note=data.get("note", ""))
            elif action == RequestAction.REJECT:
                req = ls.letter_request_reject(actor=actor, request=req, note=data.get("note", ""))
            elif action == RequestAction.APPROVE:
                req = ls.letter_request_approve(actor=actor, request=req)
            elif action == RequestAction.WITHDRAW:
                req = ls.letter_request_withdraw(actor=actor, request=req)
            elif action == RequestAction.RESUBMIT:
                req = ls.letter_request_resubmit(
                    actor=actor, request=req, purpose=data["purpose"], fields=data["fields"]
                )
            else:  # pragma: no cover - routes only exist for the actions above
                raise PermissionDenied()
            return Response(LetterRequestSerializer(selectors.request_for(principal_for(actor), req.pk)).data)

    RequestActionView.__name__ = f"LetterRequest{action.title()}View"
    return RequestActionView


REQUEST_ACTION_VIEWS = {
    RequestAction.CHECK: _request_action_view(
        RequestAction.CHECK, LetterNoteSerializer, "Operator: data checked, forward for signature"
    ),
    RequestAction.RETURN: _request_action_view(
        RequestAction.RETURN, LetterNoteSerializer, "Return to the citizen for correction (note required)"
    ),
    RequestAction.REJECT: _request_action_view(
        RequestAction.REJECT, LetterNoteSerializer, "Reject (note required)"
    ),
    RequestAction.APPROVE: _request_action_view(
        RequestAction.APPROVE, LetterNoteSerializer, "Kepala desa: approve, sign and issue"
    ),
    RequestAction.WITHDRAW: _request_action_view(
        RequestAction.WITHDRAW, LetterNoteSerializer, "Citizen withdraws the request"
    ),
    RequestAction.RESUBMIT: _request_action_view(
        RequestAction.RESUBMIT, LetterResubmitSerializer, "Citizen sends a corrected request"
    ),
}

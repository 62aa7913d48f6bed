"""Cases API: create, list, detail, one endpoint per action, public tracking, documents."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, JsonResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import IDEMPOTENCY_KEY, errors
from pintu.api.throttling import ScopedWindowThrottle, parse_rate
from pintu.cases import services as case_services
from pintu.cases.constants import CaseAction, CaseStatus, Channel
from pintu.cases.models import Case, CaseDocument, CaseEvent
from pintu.cases.policies import allowed_actions
from pintu.cases.selectors import (
    QUEUE_TABS,
    case_document_for,
    case_get_for,
    case_list_for,
    case_tracking,
    work_queue,
)
from pintu.catalog.models import Service
from pintu.core.errors import ValidationFailed
from pintu.core.throttle import allow
from pintu.documents.models import Upload
from pintu.regions.models import OrgUnit, Village

# --- output serializers ------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseSummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="display_code")
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    agency = serializers.CharField(source="agency.code")
    current_step = serializers.CharField(source="current_step.name", allow_null=True, default=None)
    current_owner = UnitRefSerializer(allow_null=True)

    class Meta:
        model = Case
        fields = [
            "code",
            "status",
            "status_label",
            "service",
            "service_name",
            "agency",
            "channel",
            "current_step",
            "current_owner",
            "submitted_at",
            "due_date",
            "step_due_date",
        ]


class CaseEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_action_display")
    step = serializers.CharField(source="to_step.name", allow_null=True, default=None)
    owner = serializers.CharField(source="to_owner.name", allow_null=True, default=None)
    actor = serializers.SerializerMethodField()
    actor_unit = serializers.CharField(source="actor_unit.name", allow_null=True, default=None)

    class Meta:
        model = CaseEvent
        fields = [
            "seq",
            "action",
            "label",
            "from_status",
            "to_status",
            "step",
            "owner",
            "actor",
            "actor_unit",
            "note",
            "at",
        ]

    def get_actor(self, event) -> str | None:
        return event.actor.display_name if event.actor_id else None


class CaseDocumentSerializer(serializers.ModelSerializer):
    document_type = serializers.CharField(source="document_type.code", allow_null=True, default=None)
    name = serializers.CharField(source="upload.original_name")
    size = serializers.IntegerField(source="upload.size")
    sha256 = serializers.CharField(source="upload.sha256")
    format = serializers.CharField(source="upload.file_format")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "kind",
            "document_type",
            "name",
            "size",
            "sha256",
            "format",
            "is_current",
            "added_at",
            "download_url",
        ]

    def get_download_url(self, document) -> str:
        return reverse("api:case-document", args=[document.case.tracking_code, document.pk])


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    nik = serializers.CharField(source="applicant_nik")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")
    village = serializers.CharField(source="applicant_village.code", allow_null=True, default=None)


class CaseDetailSerializer(CaseSummarySerializer):
    applicant = ApplicantSerializer(source="*")
    form_data = serializers.DictField()
    return_reason = serializers.CharField()
    opened_by_unit = UnitRefSerializer(allow_null=True)
    service_version = serializers.IntegerField(source="service_version.number")
    events = CaseEventSerializer(many=True)
    documents = CaseDocumentSerializer(many=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "service_version",
            "applicant",
            "form_data",
            "return_reason",
            "opened_by_unit",
            "closed_at",
            "events",
            "documents",
            "allowed_actions",
        ]

    def get_allowed_actions(self, case) -> list[str]:
        return allowed_actions(self.context["principal"], case)


class TrackingStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=["done", "current", "upcoming"])


class TrackingEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True, help_text="The unit that acted (never a person)")
    note = serializers.CharField(allow_blank=True, help_text="A public note, e.g. for a return")


class TrackingSerializer(serializers.Serializer):
    code = serializers.CharField()
    service_name = serializers.CharField()
    agency_name = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    step_due_date = serializers.DateField(allow_null=True)
    holder = serializers.CharField()
    is_open = serializers.BooleanField()
    steps = TrackingStepSerializer(many=True)
    events = TrackingEventSerializer(many=True)


# --- input serializers ---------------------------------------------------------------------------


class ApplicantInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    nik = serializers.CharField(required=False, allow_blank=True, max_length=20)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    village = serializers.CharField(required=False, allow_blank=True, help_text="Kemendagri village code")


class CaseCreateSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="Service code from the catalogue")
    form_data = serializers.DictField(required=False, default=dict)
    documents = serializers.DictField(
        child=serializers.UUIDField(),
        required=False,
        default=dict,
        help_text="Document type code -> id of an upload made with POST /api/v1/documents/",
    )
    applicant = ApplicantInputSerializer(required=False)
    on_behalf_unit = serializers.CharField(
        required=False, allow_blank=True, help_text="Org unit code (staff)"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class IssueSerializer(ActionSerializer):
    """The output document is generated, numbered and signed by the server; no file is sent."""

    signer_passphrase = serializers.CharField(
        required=False,
        write_only=True,
        max_length=200,
        help_text="Only with the BSrE signer: the signing official's passphrase (never stored).",
    )


class ResubmitSerializer(ActionSerializer):
    form_data = serializers.DictField(required=False)
    documents = serializers.DictField(child=serializers.UUIDField(), required=False, default=dict)


class UploadCreateSerializer(serializers.Serializer):
    file = serializers.FileField()


class UploadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Upload
        fields = ["id", "original_name", "file_format", "size", "sha256", "uploaded_at"]


# --- helpers ------------------------------------------------------------------------------------


def _uploads_by_id(ids: dict, user) -> dict:
    wanted = {str(v) for v in ids.values()}
    uploads = {str(u.pk): u for u in Upload.objects.filter(pk__in=wanted, uploaded_by=user)}
    missing = {
        code: ["Unggahan tidak ditemukan (unggah dulu lewat /api/v1/documents/)."]
        for code, v in ids.items()
        if str(v) not in uploads
    }
    if missing:
        raise ValidationFailed(fields={f"documents.{k}": v for k, v in missing.items()})
    return {code: uploads[str(v)] for code, v in ids.items()}


def _idempotency_key(request) -> str | None:
    return request.headers.get("Idempotency-Key") or None


def _detail(request, case_code: str, http_status=status.HTTP_200_OK) -> Response:
    principal = principal_for(request.user)
    case = case_get_for(principal, case_code)
    return Response(CaseDetailSerializer(case, context={"principal": principal}).data, status=http_status)


class CasePagination(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-submitted_at", "-id")


# --- views --------------------------------------------------------------------------------------


class CaseListCreateView(APIView):
    throttle_scope = "submission"

    def get_throttles(self):
        return [ScopedWindowThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=["cases"],
        summary="Cases visible to the caller (newest first)",
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values),
            OpenApiParameter("service", str),
        ],
        responses={200: CaseSummarySerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        principal = principal_for(request.user)
        queryset = case_list_for(
            principal,
            status=request.query_params.get("status"),
            service_code=request.query_params.get("service"),
        )
        paginator = CasePagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(CaseSummarySerializer(page, many=True).data)

    @extend_schema(
        tags=["cases"],
        summary="Submit an application",
        parameters=[IDEMPOTENCY_KEY],
        request=CaseCreateSerializer,
        responses={201: CaseSummarySerializer, 200: CaseSummarySerializer, **errors(400, 401, 403, 404, 429)},
        description="Answers with the case's summary (201, or 200 when the Idempotency-Key was seen before); "
        "GET /api/v1/cases/{code}/ gives the full record.",
    )
    def post(self, request):
        payload = CaseCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        applicant_data = data.get("applicant") or {}
        village_id = None
        if applicant_data.get("village"):
            village = Village.objects.filter(code=applicant_data["village"]).first()
            if village is None:
                raise ValidationFailed(fields={"applicant.village": ["Kode desa/kelurahan tidak dikenal."]})
            village_id = village.pk
        on_behalf_unit_id = None
        if data.get("on_behalf_unit"):
            unit = OrgUnit.objects.filter(code=data["on_behalf_unit"]).first()
            if unit is None:
                raise ValidationFailed(fields={"on_behalf_unit": ["Unit kerja tidak dikenal."]})
            on_behalf_unit_id = unit.pk
        applicant = case_services.ApplicantData(
            name=applicant_data.get("name", ""),
            nik=applicant_data.get("nik", ""),
            phone=applicant_data.get("phone", ""),
            email=applicant_data.get("email", ""),
            address=applicant_data.get("address", ""),
            village_id=village_id,
        )
        case, created = case_services.case_submit(
            actor=request.user,
            service=data["service"],
            form_data=data.get("form_data") or {},
            documents=_uploads_by_id(data.get("documents") or {}, request.user),
            applicant=applicant,
            submission_key=_idempotency_key(request),
            on_behalf_unit_id=on_behalf_unit_id,
            note=data.get("note", ""),
            channel=Channel.API,
        )
        return Response(
            CaseSummarySerializer(case).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CaseDetailView(APIView):
    @extend_schema(
        tags=["cases"],
        summary="A case with its form data, documents, history and allowed actions",
        responses={200: CaseDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, code: str):
        return _detail(request, code)


def _action_view(action: str, serializer_class, summary: str):
    class CaseActionView(APIView):
        @extend_schema(
            tags=["case actions"],
            summary=summary,
            operation_id=f"cases_{action}",
            parameters=[IDEMPOTENCY_KEY],
            request=serializer_class,
            responses={200: CaseDetailSerializer, **errors(400, 401, 403, 404, 409)},
        )
        def post(self, request, code: str):
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            # Only cases the caller may see exist for them.
            case = case_get_for(principal_for(request.user), code)
            kwargs = {"actor": request.user, "case": case, "request_key": _idempotency_key(request)}
            if action != CaseAction.CLAIM:
                kwargs["note"] = data.get("note", "")
            if action == CaseAction.ISSUE and data.get("signer_passphrase"):
                kwargs["signer_credentials"] = {
                    "nik": request.user.nik,
                    "passphrase": data["signer_passphrase"],
                }
            if action == CaseAction.RESUBMIT:
                kwargs["form_data"] = data.get("form_data")
                kwargs["documents"] = _uploads_by_id(data.get("documents") or {}, request.user)
            with transaction.atomic():
                case_services.CASE_VERBS[action](**kwargs)
            return _detail(request, code)

    CaseActionView.__name__ = f"Case{action.title().replace('_', '')}View"
    return CaseActionView


ACTION_VIEWS = {
    CaseAction.CLAIM: _action_view(CaseAction.CLAIM, ActionSerializer, "Take the case into my queue"),
    CaseAction.VERIFY: _action_view(
        CaseAction.VERIFY, ActionSerializer, "Mark the current review step verified"
    ),
    CaseAction.FORWARD: _action_view(
        CaseAction.FORWARD, ActionSerializer, "Forward a verified case to the next step"
    ),
    CaseAction.APPROVE: _action_view(CaseAction.APPROVE, ActionSerializer, "Approve at an approval step"),
    CaseAction.RETURN: _action_view(
        CaseAction.RETURN, ActionSerializer, "Return to the applicant for revision (note required)"
    ),
    CaseAction.REJECT: _action_view(CaseAction.REJECT, ActionSerializer, "Reject (note required)"),
    CaseAction.RESUBMIT: _action_view(CaseAction.RESUBMIT, ResubmitSerializer, "Applicant answers a return"),
    CaseAction.ISSUE: _action_view(
        CaseAction.ISSUE, IssueSerializer, "Issue the output: a generated, signed, verifiable PDF"
    ),
    CaseAction.HAND_OVER: _action_view(
        CaseAction.HAND_OVER, ActionSerializer, "Village hands the output over"
    ),
    CaseAction.WITHDRAW: _action_view(CaseAction.WITHDRAW, ActionSerializer, "Applicant withdraws the case"),
}


class CaseDocumentDownloadView(APIView):
    @extend_schema(
        tags=["documents"],
        summary="Download a case document",
        responses={(200, "application/octet-stream"): bytes, **errors(401, 404)},
    )
    def get(self, request, code: str, document_id: int):
        document = case_document_for(principal_for(request.user), code, document_id)
        return document_file_response(document)


def document_file_response(document: CaseDocument) -> FileResponse:
    upload = document.upload
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=True,
        filename=upload.original_name,
        content_type=upload.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class UploadCreateView(APIView):
    throttle_scope = "submission"
    throttle_classes = [ScopedWindowThrottle]

    @extend_schema(
        tags=["documents"],
        summary="Upload a file (PDF, JPEG or PNG) to attach to a case",
        request={"multipart/form-data": UploadCreateSerializer},
        responses={201: UploadSerializer, **errors(400, 401)},
    )
    def post(self, request):
        from pintu.documents.services import upload_store

        payload = UploadCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            upload = upload_store(actor=request.user, upload_file=payload.validated_data["file"])
        return Response(UploadSerializer(upload).data, status=status.HTTP_201_CREATED)


def tracking_payload(tracked) -> dict:
    """Plain data in the shape TrackingSerializer documents (built by hand: this is the hottest
    public endpoint and dataclasses.asdict deep-copies)."""
    payload = dict(tracked.__dict__)
    payload["steps"] = [step.__dict__ for step in tracked.steps]
    payload["events"] = [
        {"at": event.at_iso, "label": event.label, "unit": event.unit, "note": event.note}
        for event in tracked.events
    ]
    return payload


class TrackingView(APIView):
    # The contract of GET /api/v1/track/{code}/ for the schema. Requests are served by
    # ``tracking_lookup`` below, which answers exactly this, without DRF's per-request machinery.

    renderer_classes = [JSONRenderer]
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "tracking"
    throttle_classes = [ScopedWindowThrottle]

    @extend_schema(
        tags=["tracking"],
        summary="Public tracking by code (no personal data)",
        description="Every step, the unit holding the case now and the due dates. Never a name, NIK, "
        "phone, address or form data. Throttled per client address.",
        responses={200: TrackingSerializer, **errors(404, 429)},
    )
    def get(self, request, code: str):
        return tracking_lookup(request, code)


TRACKING_NOT_FOUND = "Kode lacak tidak ditemukan. Periksa kembali 11 karakternya."


def tracking_lookup(request, code: str) -> JsonResponse:
    """GET /api/v1/track/{code}/ — the public lookup, the hottest endpoint of the API: a plain
    view (one indexed read, a throttle, JSON) answering in the API's contract and error shape;
    tests check it against TrackingSerializer."""
    if request.method != "GET":
        return JsonResponse(
            {
                "error": {
                    "code": "method_not_allowed",
                    "message": "Metode HTTP ini tidak didukung di alamat ini.",
                }
            },
            status=405,
        )
    limit, window = parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["tracking"])
    if not allow(f"api:tracking:ip:{request.META.get('REMOTE_ADDR', '')}", limit=limit, window=window):
        response = JsonResponse(
            {
                "error": {
                    "code": "throttled",
                    "message": "Terlalu banyak permintaan. Coba lagi sebentar lagi.",
                }
            },
            status=429,
        )
        response["Retry-After"] = str(window)
        return response
    tracked = case_tracking(code)
    if tracked is None:
        return JsonResponse(
            {"error": {"code": "tracking.not_found", "message": TRACKING_NOT_FOUND}}, status=404
        )
    return JsonResponse(tracking_payload(tracked))


QueueRow = inline_serializer(
    name="QueuePage",
    fields={
        "results": CaseSummarySerializer(many=True),
        "next": serializers.CharField(allow_null=True),
        "count": serializers.IntegerField(),
        "count_capped": serializers.BooleanField(),
    },
)


class WorkQueueView(APIView):
    @extend_schema(
        tags=["cases"],
        summary="The officer's work queue",
        parameters=[
            OpenApiParameter("tab", str, enum=list(QUEUE_TABS)),
            OpenApiParameter("service", str),
            OpenApiParameter("cursor", str),
        ],
        responses={200: QueueRow, **errors(401)},
    )
    def get(self, request):
        principal = principal_for(request.user)
        service_id = None
        if request.query_params.get("service"):
            service_id = (
                Service.objects.filter(code=request.query_params["service"])
                .values_list("pk", flat=True)
                .first()
            )
        tab = request.query_params.get("tab", "unit")
        page = work_queue(
            principal,
            tab=tab if tab in QUEUE_TABS else "unit",
            service_id=service_id,
            cursor=request.query_params.get("cursor"),
        )
        return Response(
            {
                "results": CaseSummarySerializer(page.rows, many=True).data,
                "next": page.next_cursor,
                "count": page.total,
                "count_capped": page.total_capped,
            }
        )

"""Feedback API: answer a survey by token, create and track complaints, act on them, read the
IKM report. Views translate; the services and selectors decide."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import IDEMPOTENCY_KEY, errors
from pintu.api.throttling import ScopedWindowThrottle
from pintu.catalog.models import Service
from pintu.core.errors import NotFound, ValidationFailed
from pintu.feedback import selectors
from pintu.feedback import services as fs
from pintu.feedback.constants import (
    AgeGroup,
    ComplaintAction,
    ComplaintChannel,
    ComplaintStatus,
    Education,
    Occupation,
    RejectReason,
    Sex,
    SurveyChannel,
)
from pintu.feedback.models import Complaint
from pintu.feedback.policies import allowed_actions, can_see_reporter
from pintu.feedback.rules import ELEMENT_CODES
from pintu.regions.models import OrgUnit

# --- serializers ------------------------------------------------------------------------------


class AnswersSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            code: serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
            for code in ELEMENT_CODES
        }


class ProfileSerializer(serializers.Serializer):
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    age_group = serializers.ChoiceField(choices=AgeGroup.choices, required=False, allow_blank=True)
    education = serializers.ChoiceField(choices=Education.choices, required=False, allow_blank=True)
    occupation = serializers.ChoiceField(choices=Occupation.choices, required=False, allow_blank=True)


class SurveySubmitSerializer(serializers.Serializer):
    answers = AnswersSerializer(
        help_text="u1..u9: 1–4 each (PermenPANRB 14/2017); an element may be left out"
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    profile = ProfileSerializer(required=False)


class SurveyResultSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    period = serializers.CharField(source="period.code")
    agency = serializers.CharField(source="agency.code")
    submitted_at = serializers.DateTimeField()


class ComplaintCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=8000)
    agency = serializers.CharField(
        required=False, allow_blank=True, help_text="Agency org unit code, if known"
    )
    service = serializers.CharField(required=False, allow_blank=True, help_text="Service code, if known")
    incident_date = serializers.DateField(required=False, allow_null=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    reporter_email = serializers.EmailField(required=False, allow_blank=True)


class ComplaintTrackingEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=ComplaintAction.choices)
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class ComplaintTrackingSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=ComplaintStatus.choices)
    status_label = serializers.CharField()
    agency_name = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    due_date = serializers.DateField(allow_null=True)
    answer = serializers.CharField(allow_blank=True)
    can_rate = serializers.BooleanField()
    events = ComplaintTrackingEventSerializer(many=True)


class ComplaintSummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="display_code")
    status_label = serializers.CharField(source="get_status_display")
    agency = serializers.CharField(source="agency.code", allow_null=True, default=None)

    class Meta:
        model = Complaint
        fields = [
            "code",
            "status",
            "status_label",
            "channel",
            "subject",
            "agency",
            "submitted_at",
            "due_date",
        ]


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(source="reporter_name")
    phone = serializers.CharField(source="reporter_phone")
    email = serializers.CharField(source="reporter_email")


class ComplaintDetailSerializer(ComplaintSummarySerializer):
    description = serializers.CharField()
    answer = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    reopen_count = serializers.IntegerField()
    is_anonymous = serializers.BooleanField()
    reporter = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ComplaintSummarySerializer.Meta):
        fields = [
            *ComplaintSummarySerializer.Meta.fields,
            "description",
            "answer",
            "rating",
            "reopen_count",
            "is_anonymous",
            "verify_due",
            "answer_due",
            "close_due",
            "reporter",
            "allowed_actions",
        ]

    @extend_schema_field(ReporterSerializer(allow_null=True))
    def get_reporter(self, complaint) -> dict | None:
        if not can_see_reporter(self.context["principal"], complaint):
            return None
        return ReporterSerializer(complaint).data

    def get_allowed_actions(self, complaint) -> list[str]:
        return allowed_actions(self.context["principal"], complaint)


class ComplaintActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    agency = serializers.CharField(
        required=False, allow_blank=True, help_text="Target agency code (route, transfer)"
    )
    reason = serializers.ChoiceField(choices=RejectReason.choices, required=False, help_text="For reject")


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="1–2 reopens; 3–5 closes")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ElementResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    answered = serializers.IntegerField()
    nrr = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    weighted = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class IkmSerializer(serializers.Serializer):
    respondents = serializers.IntegerField()
    index = serializers.DecimalField(
        max_digits=8, decimal_places=4, allow_null=True, help_text="Σ NRR × 1/9 (1–4)"
    )
    ikm = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, help_text="index × 25")
    grade = serializers.CharField(allow_null=True)
    performance = serializers.CharField(allow_null=True)


class GroupSerializer(IkmSerializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()


class IkmReportSerializer(serializers.Serializer):
    period = serializers.CharField()
    rule_version = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    minimum_sample = serializers.IntegerField(allow_null=True)
    overall = IkmSerializer()
    elements = ElementResultSerializer(many=True)
    agencies = GroupSerializer(many=True)
    services = GroupSerializer(many=True)


# --- helpers ----------------------------------------------------------------------------------


def _dec(value, places):
    from decimal import Decimal

    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(10) ** -places)


def _ikm(result) -> dict:
    return {
        "respondents": result.respondents,
        "index": _dec(result.index, 4),
        "ikm": result.converted_display,
        "grade": result.band.grade if result.band else None,
        "performance": result.band.performance if result.band else None,
    }


def _unit_by_code(code: str, field: str) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code, kind="agency").first()
    if unit is None:
        raise ValidationFailed(fields={field: ["Kode instansi tidak dikenal."]})
    return unit


def _idempotency_key(request) -> str | None:
    return request.headers.get("Idempotency-Key") or None


# --- views ------------------------------------------------------------------------------------


class SurveySubmitView(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "submission"
    throttle_classes = [ScopedWindowThrottle]

    @extend_schema(
        tags=["feedback"],
        summary="Answer a survey from a one-time link",
        request=SurveySubmitSerializer,
        responses={201: SurveyResultSerializer, 200: SurveyResultSerializer, **errors(400, 404, 409, 429)},
        description="201 the first time; 200 with the same response when the same answers are sent again "
        "(a retry); 409 when the link was used for other answers or has expired.",
    )
    def post(self, request, token: str):
        payload = SurveySubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        response, created = fs.survey_submit(
            token=token,
            answers={k: v for k, v in data["answers"].items() if v is not None},
            comment=data.get("comment", ""),
            profile=data.get("profile") or {},
            channel=SurveyChannel.API,
        )
        return Response(
            SurveyResultSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ComplaintListCreateView(APIView):
    throttle_scope = "submission"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_throttles(self):
        return [ScopedWindowThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=["feedback"],
        summary="Complaints handled by the caller's agency (or all, for the regency admin)",
        operation_id="feedback_complaints_list",
        parameters=[OpenApiParameter("tab", str, enum=list(selectors.QUEUE_TABS))],
        responses={200: ComplaintSummarySerializer(many=True), **errors(401)},
    )
    def get(self, request):
        tab = request.query_params.get("tab", "open")
        rows = selectors.complaint_queue(
            principal_for(request.user), tab=tab if tab in selectors.QUEUE_TABS else "open"
        )
        return Response(ComplaintSummarySerializer(rows, many=True).data)

    @extend_schema(
        tags=["feedback"],
        summary="Submit a complaint (with an account, or anonymously if the deployment allows)",
        operation_id="feedback_complaints_create",
        parameters=[IDEMPOTENCY_KEY],
        request=ComplaintCreateSerializer,
        responses={
            201: ComplaintTrackingSerializer,
            200: ComplaintTrackingSerializer,
            **errors(400, 403, 429),
        },
    )
    def post(self, request):
        payload = ComplaintCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        service = None
        if data.get("service"):
            service = Service.objects.filter(code=data["service"]).first()
            if service is None:
                raise ValidationFailed(fields={"service": ["Kode layanan tidak dikenal."]})
        complaint, created = fs.complaint_submit(
            actor=request.user,
            channel=ComplaintChannel.API,
            subject=data["subject"],
            description=data["description"],
            agency=_unit_by_code(data.get("agency", ""), "agency"),
            service=service,
            incident_date=data.get("incident_date"),
            is_anonymous=data.get("is_anonymous", False),
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_email=data.get("reporter_email", ""),
            submission_key=_idempotency_key(request),
        )
        tracked = selectors.complaint_tracking(complaint.tracking_code)
        return Response(
            ComplaintTrackingSerializer(tracked).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ComplaintTrackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "tracking"
    throttle_classes = [ScopedWindowThrottle]

    @extend_schema(
        tags=["feedback"],
        summary="Public tracking of a complaint by code (no reporter, no description)",
        responses={200: ComplaintTrackingSerializer, **errors(404, 429)},
    )
    def get(self, request, code: str):
        tracked = selectors.complaint_tracking(code)
        if tracked is None:
            raise NotFound(
                "Kode pengaduan tidak ditemukan. Periksa kembali kodenya.", code="complaint.not_found"
            )
        return Response(ComplaintTrackingSerializer(tracked).data)


def _detail(request, code: str) -> Response:
    principal = principal_for(request.user)
    complaint = selectors.complaint_get_for(principal, code)
    return Response(ComplaintDetailSerializer(complaint, context={"principal": principal}).data)


class ComplaintDetailView(APIView):
    @extend_schema(
        tags=["feedback"],
        summary="A complaint (reporter hidden when anonymous)",
        responses={200: ComplaintDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, code: str):
        return _detail(request, code)


class ComplaintActionView(APIView):
    @extend_schema(
        tags=["feedback"],
        summary="Act on a complaint: verify, answer, reject, transfer, route",
        operation_id="feedback_complaints_act",
        parameters=[
            IDEMPOTENCY_KEY,
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(fs.COMPLAINT_VERBS)),
        ],
        request=ComplaintActionSerializer,
        responses={200: ComplaintDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, code: str, action: str):
        verb = fs.COMPLAINT_VERBS.get(action)
        if verb is None:
            raise NotFound("Tindakan tidak dikenal.")
        payload = ComplaintActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        complaint = selectors.complaint_get_for(principal_for(request.user), code)
        kwargs = {
            "actor": request.user,
            "complaint": complaint,
            "request_key": _idempotency_key(request),
            "note": data.get("note", ""),
        }
        if action in (ComplaintAction.ROUTE, ComplaintAction.TRANSFER):
            kwargs["agency"] = _unit_by_code(data.get("agency", ""), "agency")
        if action == ComplaintAction.REJECT:
            kwargs["reason"] = data.get("reason", "")
        with transaction.atomic():
            verb(**kwargs)
        if action in (ComplaintAction.ROUTE, ComplaintAction.TRANSFER):
            try:
                return _detail(request, code)
            except NotFound:
                return Response(status=status.HTTP_204_NO_CONTENT)
        return _detail(request, code)


class ComplaintRateView(APIView):
    @extend_schema(
        tags=["feedback"],
        summary="The reporter rates the answer (1–2 reopens, 3–5 closes)",
        parameters=[IDEMPOTENCY_KEY],
        request=RateSerializer,
        responses={200: ComplaintTrackingSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, code: str):
        payload = RateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        complaint = selectors.complaint_get_for(principal_for(request.user), code)
        fs.complaint_rate(
            actor=request.user,
            complaint=complaint,
            rating=payload.validated_data["rating"],
            note=payload.validated_data.get("note", ""),
            request_key=_idempotency_key(request),
        )
        return Response(
            ComplaintTrackingSerializer(selectors.complaint_tracking(complaint.tracking_code)).data
        )


class IkmReportView(APIView):
    @extend_schema(
        tags=["feedback"],
        summary="IKM report: per element, overall, per agency and per service",
        parameters=[
            OpenApiParameter("period", int),
            OpenApiParameter("agency", str, description="Agency code"),
            OpenApiParameter("service", str, description="Service code"),
            OpenApiParameter("site", str, description="Site (org unit) code"),
        ],
        responses={200: IkmReportSerializer, **errors(401, 403, 404)},
    )
    def get(self, request):
        params = request.query_params

        def unit_id(code):
            return OrgUnit.objects.filter(code=code).values_list("pk", flat=True).first() if code else None

        try:
            period_id = int(params["period"]) if params.get("period") else None
        except ValueError:
            raise ValidationFailed(fields={"period": ["Tulis id periode (angka)."]}) from None
        service_id = Service.objects.filter(code=params.get("service")).values_list("pk", flat=True).first()
        report = selectors.ikm_report(
            principal_for(request.user),
            selectors.Filters(
                period_id=period_id,
                agency_id=unit_id(params.get("agency")),
                service_id=service_id if params.get("service") else None,
                site_id=unit_id(params.get("site")),
            ),
        )
        data = {
            "period": report.period.code,
            "rule_version": report.period.rule_version,
            "population": report.period.population,
            "minimum_sample": report.minimum_sample,
            "overall": _ikm(report.result),
            "elements": [
                {
                    "code": e.element.code,
                    "name": e.element.name,
                    "total": e.total,
                    "answered": e.answered,
                    "nrr": _dec(e.nrr, 4),
                    "weighted": _dec(e.weighted, 4),
                }
                for e in report.result.elements
            ],
            "agencies": [{"key": g.key, "label": g.label, **_ikm(g.result)} for g in report.by_agency],
            "services": [{"key": g.key, "label": g.label, **_ikm(g.result)} for g in report.by_service],
        }
        return Response(IkmReportSerializer(data).data)

"""Village finance API: panjar (give, account, close) and report submissions (submit, receive,
return). Reads are scoped by role × org unit through the selectors (another area's rows do not
exist: 404); verbs go through the services, which decide who may act (403). Views only translate.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework import status as http_status
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.core.errors import ValidationFailed
from pintu.village_finance import selectors, services
from pintu.village_finance.api import CURSOR, PAGE_SIZE, _money, _NewestFirst, _page, _paged, _year
from pintu.village_finance.constants import Book, PanjarStatus, ReportKind, TaxKind
from pintu.village_finance.models import Activity, BudgetLine, Panjar, PanjarItem, ReportSubmission

TAGS = ["village finance"]

# --- panjar --------------------------------------------------------------------------------------


class PanjarSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    plan = serializers.IntegerField(source="plan_id")
    activity = serializers.CharField(source="activity_name")
    recipient = serializers.CharField()
    recipient_position = serializers.CharField()
    description = serializers.CharField()
    book = serializers.CharField()
    amount = _money()
    accounted = _money()
    returned = _money()
    outstanding = _money()
    given_on = serializers.DateField()
    settled_on = serializers.DateField(allow_null=True)
    given_entry = serializers.CharField(source="given_entry.number")
    closed_entry = serializers.CharField(source="closed_entry.number", allow_null=True, default=None)
    siskeudes_ref = serializers.CharField()


class PanjarItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    entry = serializers.CharField(source="entry.number")
    date = serializers.DateField(source="entry.date")
    line_key = serializers.UUIDField()
    account = serializers.CharField(source="line.account.code")
    description = serializers.CharField()
    payee = serializers.CharField()
    amount = _money()
    tax_withheld = _money()
    reversed = serializers.BooleanField(help_text="The SPJ entry of this item was corrected (reversed)")


class PanjarDetailSerializer(PanjarSerializer):
    items = PanjarItemSerializer(many=True, source="item_rows")


def _panjars():
    return Panjar.objects.select_related("given_entry", "closed_entry")


def _panjar_detail(panjar_id: int, code=http_status.HTTP_200_OK) -> Response:
    panjar = _panjars().get(pk=panjar_id)
    panjar.item_rows = list(
        PanjarItem.objects.filter(panjar_id=panjar_id)
        .select_related("entry", "line__account")
        .annotate(reversed=Count("entry__reversed_by"))
        .order_by("pk")
    )
    return Response(PanjarDetailSerializer(panjar).data, status=code)


class PanjarGiveSerializer(serializers.Serializer):
    activity = serializers.IntegerField(help_text="An activity of the adopted (effective) APBDes")
    recipient = serializers.CharField(max_length=150)
    recipient_position = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=16, decimal_places=0)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    book = serializers.ChoiceField(choices=[Book.CASH, Book.BANK], default=Book.CASH)
    given_on = serializers.DateField(required=False, allow_null=True)


class PanjarItemInSerializer(serializers.Serializer):
    line_key = serializers.UUIDField(help_text="A spending line of the panjar's activity")
    amount = serializers.DecimalField(max_digits=16, decimal_places=0)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    payee = serializers.CharField(max_length=150)
    taxes = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=0),
        required=False,
        help_text=f"Withheld taxes by kind ({', '.join(TaxKind.values)})",
    )


class PanjarAccountSerializer(serializers.Serializer):
    items = PanjarItemInSerializer(many=True)
    accounted_on = serializers.DateField(required=False, allow_null=True)


class PanjarCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(required=False, allow_null=True)


class PanjarListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_panjar_list",
        summary="Panjar of a village's year (amounts, accounted, returned, outstanding), newest first",
        parameters=[OpenApiParameter("status", str, enum=PanjarStatus.values), CURSOR, PAGE_SIZE],
        responses={200: _paged("PanjarPage", PanjarSerializer), **errors(400, 401, 404)},
    )
    def get(self, request, village_code: str, year: int):
        fy = _year(request, village_code, year)
        qs = _panjars().filter(fiscal_year=fy)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in PanjarStatus.values:
                raise ValidationFailed(fields={"status": [_("Status panjar tidak dikenal.")]})
            qs = qs.filter(status=wanted)
        return _page(self, request, qs, PanjarSerializer, _NewestFirst)

    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_panjar_give",
        summary="Give a panjar to an activity's implementer (village treasurer)",
        request=PanjarGiveSerializer,
        responses={201: PanjarDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, village_code: str, year: int):
        payload = PanjarGiveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        fy = _year(request, village_code, year)
        activity = Activity.objects.filter(pk=data["activity"], budget_id=fy.effective_budget_id or 0).first()
        if activity is None:
            raise ValidationFailed(fields={"activity": [_("Pilih kegiatan dari APBDes yang berlaku.")]})
        with transaction.atomic():
            panjar = services.panjar_give(
                actor=request.user,
                fiscal_year=fy,
                activity=activity,
                recipient=data["recipient"],
                recipient_position=data["recipient_position"],
                amount=data["amount"],
                description=data["description"],
                book=data["book"],
                given_on=data.get("given_on"),
            )
        return _panjar_detail(panjar.pk, http_status.HTTP_201_CREATED)


class PanjarDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_panjar_detail",
        summary="A panjar with its accounted items (SPJ)",
        responses={200: PanjarDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, panjar_id: int):
        panjar = selectors.panjar_for(principal_for(request.user), panjar_id)
        return _panjar_detail(panjar.pk)


class PanjarAccountView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_panjar_account",
        summary="Account for spending made from a panjar (SPJ panjar; village treasurer)",
        request=PanjarAccountSerializer,
        responses={200: PanjarDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, panjar_id: int):
        payload = PanjarAccountSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        panjar = selectors.panjar_for(principal_for(request.user), panjar_id)
        keys = [item["line_key"] for item in data["items"]]
        lines = {
            line.key: line
            for line in BudgetLine.objects.filter(
                budget_id=panjar.fiscal_year.effective_budget_id or 0, key__in=keys
            ).select_related("activity", "account")
        }
        items = [
            {
                "line": lines.get(item["line_key"]),  # the service refuses a missing or foreign line
                "amount": item["amount"],
                "description": item["description"],
                "payee": item["payee"],
                "taxes": item.get("taxes") or {},
            }
            for item in data["items"]
        ]
        with transaction.atomic():
            services.panjar_account(
                actor=request.user, panjar=panjar, items=items, accounted_on=data.get("accounted_on")
            )
        return _panjar_detail(panjar.pk)


class PanjarCloseView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_panjar_close",
        summary="The implementer returns what is left; the panjar is settled (village treasurer)",
        request=PanjarCloseSerializer,
        responses={200: PanjarDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, panjar_id: int):
        payload = PanjarCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        panjar = selectors.panjar_for(principal_for(request.user), panjar_id)
        with transaction.atomic():
            services.panjar_close(
                actor=request.user, panjar=panjar, closed_on=payload.validated_data.get("closed_on")
            )
        return _panjar_detail(panjar.pk)


# --- report submissions --------------------------------------------------------------------------


class ReportSubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    due_on = serializers.DateField()
    submitted_on = serializers.DateField()
    is_late = serializers.BooleanField()
    submitted_by = serializers.CharField(source="submitted_by.username")
    received_by = serializers.CharField(source="received_by.username", allow_null=True, default=None)
    received_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()
    file_name = serializers.CharField()


class ReportSubmitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.values)


class ReportStepSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _submissions():
    return ReportSubmission.objects.select_related("submitted_by", "received_by")


class ReportSubmissionListView(APIView):
    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_report_list",
        summary="Report submissions of a village's year (every attempt, newest first; due date, late flag)",
        parameters=[OpenApiParameter("kind", str, enum=ReportKind.values), CURSOR, PAGE_SIZE],
        responses={200: _paged("ReportSubmissionPage", ReportSubmissionSerializer), **errors(400, 401, 404)},
    )
    def get(self, request, village_code: str, year: int):
        fy = _year(request, village_code, year)
        qs = _submissions().filter(fiscal_year=fy)
        kind = request.query_params.get("kind")
        if kind:
            if kind not in ReportKind.values:
                raise ValidationFailed(fields={"kind": [_("Jenis laporan tidak dikenal.")]})
            qs = qs.filter(kind=kind)
        return _page(self, request, qs, ReportSubmissionSerializer, _NewestFirst)

    @extend_schema(
        tags=TAGS,
        operation_id="village_finance_report_submit",
        summary="Send the semester I or year-end report to the camat (treasurer or kepala desa), "
        "once the period has ended",
        request=ReportSubmitSerializer,
        responses={201: ReportSubmissionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, village_code: str, year: int):
        payload = ReportSubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fy = _year(request, village_code, year)
        with transaction.atomic():
            submission = services.report_submit(
                actor=request.user, fiscal_year=fy, kind=payload.validated_data["kind"]
            )
        return Response(
            ReportSubmissionSerializer(_submissions().get(pk=submission.pk)).data,
            status=http_status.HTTP_201_CREATED,
        )


REPORT_VERBS = {"receive": "report_receive", "return": "report_return"}


def _report_step_view(action: str):
    class ReportStepView(APIView):
        @extend_schema(
            tags=TAGS,
            operation_id=f"village_finance_report_{action}",
            summary={
                "receive": "The camat receives a submitted report",
                "return": "The camat returns a report with what to fix (note required)",
            }[action],
            request=ReportStepSerializer,
            responses={200: ReportSubmissionSerializer, **errors(400, 401, 403, 404, 409)},
        )
        def post(self, request, submission_id: int):
            payload = ReportStepSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            submission = selectors.report_submission_for(principal_for(request.user), submission_id)
            with transaction.atomic():
                getattr(services, REPORT_VERBS[action])(
                    actor=request.user, submission=submission, note=payload.validated_data["note"]
                )
            return Response(ReportSubmissionSerializer(_submissions().get(pk=submission.pk)).data)

    ReportStepView.__name__ = f"Report{action.title()}View"
    return ReportStepView


REPORT_ACTION_VIEWS = {action: _report_step_view(action) for action in REPORT_VERBS}

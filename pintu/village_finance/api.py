"""Village finance API: reads and verbs under /api/v1/village-finance/. Views only translate."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework import status as http_status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.core.errors import NotFound, PermissionDenied, ValidationFailed
from pintu.regions.models import OrgUnit
from pintu.village_finance import selectors, services
from pintu.village_finance.constants import Book, BudgetAction, LineKind, SppStatus
from pintu.village_finance.models import (
    Activity,
    BudgetLine,
    JournalEntry,
    JournalLine,
    PaymentEvent,
    PaymentRequest,
    PlanActivity,
)


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    rule = serializers.CharField()
    message = serializers.CharField()


class BudgetSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    income_total = serializers.DecimalField(max_digits=16, decimal_places=0)
    spending_total = serializers.DecimalField(max_digits=16, decimal_places=0)
    financing_in_total = serializers.DecimalField(max_digits=16, decimal_places=0)
    financing_out_total = serializers.DecimalField(max_digits=16, decimal_places=0)
    agreed_on = serializers.DateField(allow_null=True)
    submit_due = serializers.DateField(allow_null=True)
    evaluation_due = serializers.DateField(allow_null=True)
    correction_due = serializers.DateField(allow_null=True)
    adopted_on = serializers.DateField(allow_null=True)
    perdes_number = serializers.CharField()


class FiscalYearSerializer(serializers.Serializer):
    village = serializers.CharField(source="village.code")
    village_name = serializers.CharField(source="village.name")
    year = serializers.IntegerField()
    effective_budget = serializers.IntegerField(source="effective_budget_id", allow_null=True)
    budgets = BudgetSerializer(many=True)


class ReportRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=16, decimal_places=0)
    realised = serializers.DecimalField(max_digits=16, decimal_places=0)
    percent = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


def _money():
    return serializers.DecimalField(max_digits=18, decimal_places=0)


def _pct():
    return serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class RegencyVillageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    district_code = serializers.CharField()
    district = serializers.CharField()
    budget = _money()
    realised = _money()
    income_budget = _money()
    income_realised = _money()
    dd_budget = _money()
    dd_realised = _money()
    absorption = _pct()
    dd_absorption = _pct()


class RegencyDistrictSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    villages = serializers.IntegerField()
    budget = _money()
    realised = _money()
    dd_budget = _money()
    dd_realised = _money()
    absorption = _pct()
    dd_absorption = _pct()


class FiscalYearView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_year",
        responses={200: FiscalYearSerializer, **errors(401, 404)},
    )
    def get(self, request, village_code: str, year: int):
        fy = selectors.fiscal_year_for(principal_for(request.user), village_code, year)
        fy.budgets_list = list(fy.budgets.order_by("kind"))
        data = FiscalYearSerializer(
            {
                "village": fy.village,
                "year": fy.year,
                "effective_budget_id": fy.effective_budget_id,
                "budgets": fy.budgets_list,
            }
        ).data
        return Response(data)


class BudgetChecksView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_budget_checks",
        summary="Rule checks of a budget version (live check of a draft)",
        responses={
            200: inline_serializer(
                "BudgetChecks", {"budget": BudgetSerializer(), "findings": FindingSerializer(many=True)}
            ),
            **errors(401, 404),
        },
    )
    def get(self, request, budget_id: int):
        budget = selectors.budget_for(principal_for(request.user), budget_id)
        _totals, findings = services.budget_findings(budget)
        return Response(
            {"budget": BudgetSerializer(budget).data, "findings": FindingSerializer(findings, many=True).data}
        )


class BudgetActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    agreement_number = serializers.CharField(required=False, allow_blank=True, default="")
    perdes_number = serializers.CharField(required=False, allow_blank=True, default="")


def _action_view(action: str):
    class BudgetActionView(APIView):
        @extend_schema(
            tags=["village finance"],
            operation_id=f"village_finance_budget_{action}",
            summary=str(BudgetAction(action).label),
            request=BudgetActionSerializer,
            responses={200: BudgetSerializer, **errors(400, 401, 403, 404, 409)},
        )
        def post(self, request, budget_id: int):
            payload = BudgetActionSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            budget = selectors.budget_for(principal_for(request.user), budget_id)
            kwargs = {"actor": request.user, "budget": budget}
            if action in (
                BudgetAction.FORWARD,
                BudgetAction.APPROVE,
                BudgetAction.RETURN,
                BudgetAction.RESUBMIT,
            ):
                kwargs["note"] = data["note"]
            if action == BudgetAction.AGREE:
                kwargs["agreement_number"] = data["agreement_number"]
            if action == BudgetAction.ADOPT:
                kwargs["perdes_number"] = data["perdes_number"]
            with transaction.atomic():
                result = services.BUDGET_VERBS[action](**kwargs)
            return Response(BudgetSerializer(result).data)

    BudgetActionView.__name__ = f"Budget{action.title()}View"
    return BudgetActionView


ACTION_VIEWS = {action: _action_view(action) for action in services.BUDGET_VERBS}


class RealisationView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_realisation",
        summary="Laporan realisasi APBDes (per account and per bidang/kegiatan); ?periode=s1 for semester I",
        responses={
            200: inline_serializer(
                "Realisation",
                {"accounts": ReportRowSerializer(many=True), "bidang": ReportRowSerializer(many=True)},
            ),
            **errors(401, 404),
        },
    )
    def get(self, request, village_code: str, year: int):
        import datetime as dt

        fy = selectors.fiscal_year_for(principal_for(request.user), village_code, year)
        until = dt.date(fy.year, 6, 30) if request.query_params.get("periode") == "s1" else None
        report = selectors.realisation_report(fy, until=until)
        return Response(
            {
                "accounts": ReportRowSerializer(report["accounts"], many=True).data,
                "bidang": ReportRowSerializer(report["bidang"], many=True).data,
            }
        )


class RegencyRealisationView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_regency",
        summary="Absorption by village and kecamatan, Dana Desa use (regency admin)",
        responses={
            200: inline_serializer(
                "RegencyRealisation",
                {
                    "villages": serializers.ListField(child=serializers.DictField()),
                    "districts": serializers.ListField(child=serializers.DictField()),
                },
            ),
            **errors(401, 403),
        },
    )
    def get(self, request, year: int):
        principal = principal_for(request.user)
        if not principal.is_regency_admin:
            raise PermissionDenied()
        from pintu.accounts.constants import Role

        regency_id = (
            OrgUnit.objects.filter(pk__in=principal.units_with(Role.REGENCY_ADMIN))
            .values_list("regency_id", flat=True)
            .first()
        )
        if regency_id is None:
            raise NotFound()
        data = selectors.regency_realisation(regency_id, year)
        return Response(
            {
                "villages": RegencyVillageSerializer(data["villages"], many=True).data,
                "districts": RegencyDistrictSerializer(data["districts"], many=True).data,
            }
        )


# --- plan, activities, lines, SPP and books (reads scoped by role × org unit; SPP verbs) ----------
#
# Lists are cursor-paginated, one query per page plus the scoped lookup of the year or budget
# (tests hold them to a fixed number of queries).

BOOK_FILTERS = {"bku": (Book.CASH, Book.BANK), **{b: (b,) for b in Book.values}}


class _Pagination(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("id",)


class _NewestFirst(_Pagination):
    ordering = ("-id",)


class _ByDate(_Pagination):
    ordering = ("date", "id")


def _paged(name: str, item) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def _page(view, request, queryset, serializer, pagination=_Pagination) -> Response:
    paginator = pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


PAGE_SIZE = OpenApiParameter("page_size", int, description="Rows per page (at most 200; default 50)")
CURSOR = OpenApiParameter("cursor", str, description="The cursor of the next/previous page")


class PlanActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(source="kind.siskeudes_code")
    kind_name = serializers.CharField(source="kind.name")
    name = serializers.CharField()
    location = serializers.CharField()
    volume = serializers.CharField()
    output = serializers.CharField()
    indicative_amount = _money()
    fund_source = serializers.CharField(source="fund_source.code")


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    plan = serializers.IntegerField(source="plan_id")
    kind = serializers.CharField(source="kind.siskeudes_code")
    name = serializers.CharField()
    location = serializers.CharField()
    output = serializers.CharField()
    total = _money()


class BudgetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    key = serializers.UUIDField()
    kind = serializers.CharField()
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    account = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.name")
    fund_source = serializers.CharField(source="fund_source.code")
    description = serializers.CharField()
    volume = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField()
    unit_price = _money()
    amount = _money()
    pay_position = serializers.CharField()


class SppSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    requested_on = serializers.DateField()
    amount = _money()
    description = serializers.CharField()
    payee = serializers.CharField()
    line_key = serializers.UUIDField()
    account = serializers.CharField(source="line.account.code")
    activity = serializers.CharField(source="line.activity.name", allow_null=True)
    paid_entry = serializers.CharField(source="paid_entry.number", allow_null=True, default=None)
    siskeudes_ref = serializers.CharField()


class SppTaxSerializer(serializers.Serializer):
    kind = serializers.CharField()
    amount = _money()


class SppEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    note = serializers.CharField()
    at = serializers.DateTimeField()


class SppDetailSerializer(SppSerializer):
    taxes = SppTaxSerializer(many=True, source="taxes.all")
    events = SppEventSerializer(many=True, source="events.all")


class EntryLineSerializer(serializers.Serializer):
    book = serializers.CharField()
    debit = _money()
    credit = _money()
    account_code = serializers.CharField()
    line_key = serializers.UUIDField(allow_null=True)
    line_kind = serializers.CharField()
    fund_source = serializers.CharField(source="fund_source.code", allow_null=True, default=None)
    tax_kind = serializers.CharField()
    realised = _money()


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    description = serializers.CharField()
    counterparty = serializers.CharField()
    reverses = serializers.CharField(source="reverses.number", allow_null=True, default=None)
    lines = EntryLineSerializer(many=True, source="lines.all")


def _year(request, village_code: str, year: int):
    return selectors.fiscal_year_for(principal_for(request.user), village_code, year)


class PlanActivityListView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_plan_activities",
        summary="RKPDes lines of a village's year",
        parameters=[CURSOR, PAGE_SIZE],
        responses={200: _paged("PlanActivityPage", PlanActivitySerializer), **errors(401, 404)},
    )
    def get(self, request, village_code: str, year: int):
        fy = _year(request, village_code, year)
        qs = PlanActivity.objects.filter(fiscal_year=fy).select_related("kind", "fund_source")
        return _page(self, request, qs, PlanActivitySerializer)


class BudgetActivityListView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_budget_activities",
        summary="Activities (kegiatan) of a budget version",
        parameters=[CURSOR, PAGE_SIZE],
        responses={200: _paged("ActivityPage", ActivitySerializer), **errors(401, 404)},
    )
    def get(self, request, budget_id: int):
        budget = selectors.budget_for(principal_for(request.user), budget_id)
        qs = Activity.objects.filter(budget=budget).select_related("kind")
        return _page(self, request, qs, ActivitySerializer)


class BudgetLineListView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_budget_lines",
        summary="Income, spending (RAB) and financing lines of a budget version",
        parameters=[
            OpenApiParameter("kind", str, enum=LineKind.values),
            OpenApiParameter("activity", int, description="Only the lines of this activity"),
            CURSOR,
            PAGE_SIZE,
        ],
        responses={200: _paged("BudgetLinePage", BudgetLineSerializer), **errors(400, 401, 404)},
    )
    def get(self, request, budget_id: int):
        budget = selectors.budget_for(principal_for(request.user), budget_id)
        qs = BudgetLine.objects.filter(budget=budget).select_related("account", "fund_source")
        kind = request.query_params.get("kind")
        if kind:
            if kind not in LineKind.values:
                raise ValidationFailed(fields={"kind": [_("Jenis baris tidak dikenal.")]})
            qs = qs.filter(kind=kind)
        activity = request.query_params.get("activity")
        if activity:
            if not activity.isdigit():
                raise ValidationFailed(fields={"activity": [_("Isi nomor kegiatan.")]})
            qs = qs.filter(activity_id=int(activity))
        return _page(self, request, qs, BudgetLineSerializer)


class SppCreateSerializer(serializers.Serializer):
    line_key = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=0)
    description = serializers.CharField(max_length=300)
    payee = serializers.CharField(max_length=150)
    taxes = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=0), required=False
    )
    requested_on = serializers.DateField(required=False, allow_null=True)


def _spp_detail(spp_id: int, code=http_status.HTTP_200_OK) -> Response:
    spp = (
        PaymentRequest.objects.select_related("line__account", "line__activity", "paid_entry")
        .prefetch_related("taxes", Prefetch("events", PaymentEvent.objects.select_related("actor")))
        .get(pk=spp_id)
    )
    return Response(SppDetailSerializer(spp).data, status=code)


class SppListView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_spp_list",
        summary="SPP of a village's year, newest first",
        parameters=[OpenApiParameter("status", str, enum=SppStatus.values), CURSOR, PAGE_SIZE],
        responses={200: _paged("SppPage", SppSerializer), **errors(400, 401, 404)},
    )
    def get(self, request, village_code: str, year: int):
        fy = _year(request, village_code, year)
        qs = PaymentRequest.objects.filter(fiscal_year=fy).select_related(
            "line__account", "line__activity", "paid_entry"
        )
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in SppStatus.values:
                raise ValidationFailed(fields={"status": [_("Status SPP tidak dikenal.")]})
            qs = qs.filter(status=wanted)
        return _page(self, request, qs, SppSerializer, _NewestFirst)

    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_spp_create",
        summary="Create an SPP against a spending line of the adopted APBDes (village treasurer)",
        request=SppCreateSerializer,
        responses={201: SppDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, village_code: str, year: int):
        payload = SppCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        fy = _year(request, village_code, year)
        line = BudgetLine.objects.filter(budget_id=fy.effective_budget_id, key=data["line_key"]).first()
        if line is None:
            raise NotFound(_("Baris anggaran tidak ada dalam APBDes yang berlaku."))
        with transaction.atomic():
            spp = services.spp_create(
                actor=request.user,
                fiscal_year=fy,
                line=line,
                amount=data["amount"],
                description=data["description"],
                payee=data["payee"],
                taxes=data.get("taxes") or {},
                requested_on=data.get("requested_on"),
            )
        return _spp_detail(spp.pk, http_status.HTTP_201_CREATED)


class SppDetailView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_spp_detail",
        summary="An SPP with its taxes and status history",
        responses={200: SppDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, spp_id: int):
        spp = selectors.spp_for(principal_for(request.user), spp_id)
        return _spp_detail(spp.pk)


class SppActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


SPP_VERBS = {"verify": "spp_verify", "approve": "spp_approve", "reject": "spp_reject"}


def _spp_action_view(action: str):
    class SppActionView(APIView):
        @extend_schema(
            tags=["village finance"],
            operation_id=f"village_finance_spp_{action}",
            summary={
                "verify": "Verify an SPP (sekdes)",
                "approve": "Approve an SPP (kepala desa)",
                "reject": "Reject an SPP with a reason (sekdes or kepala desa)",
            }[action],
            request=SppActionSerializer,
            responses={200: SppDetailSerializer, **errors(400, 401, 403, 404, 409)},
        )
        def post(self, request, spp_id: int):
            payload = SppActionSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            spp = selectors.spp_for(principal_for(request.user), spp_id)
            with transaction.atomic():
                getattr(services, SPP_VERBS[action])(
                    actor=request.user, spp=spp, note=payload.validated_data["note"]
                )
            return _spp_detail(spp.pk)

    SppActionView.__name__ = f"Spp{action.title()}View"
    return SppActionView


SPP_ACTION_VIEWS = {action: _spp_action_view(action) for action in SPP_VERBS}


class BookEntryListView(APIView):
    @extend_schema(
        tags=["village finance"],
        operation_id="village_finance_book_entries",
        summary="Posted entries (with all their lines) touching a book: bku (cash + bank), cash, bank, tax, panjar",
        parameters=[
            OpenApiParameter("book", str, OpenApiParameter.PATH, enum=list(BOOK_FILTERS)),
            OpenApiParameter("month", int, description="1-12: only entries dated in this month"),
            CURSOR,
            PAGE_SIZE,
        ],
        responses={200: _paged("BookEntryPage", EntrySerializer), **errors(400, 401, 404)},
    )
    def get(self, request, village_code: str, year: int, book: str):
        if book not in BOOK_FILTERS:
            raise NotFound(_("Buku tidak dikenal."))
        month = request.query_params.get("month")
        if month and not (month.isdigit() and 1 <= int(month) <= 12):
            raise ValidationFailed(fields={"month": [_("Pilih bulan 1–12.")]})
        fy = _year(request, village_code, year)
        qs = JournalEntry.objects.filter(
            fiscal_year=fy,
            pk__in=JournalLine.objects.filter(fiscal_year=fy, book__in=BOOK_FILTERS[book]).values("entry_id"),
        )
        if month:
            qs = qs.filter(date__month=int(month))
        qs = qs.select_related("reverses").prefetch_related(
            Prefetch("lines", JournalLine.objects.select_related("fund_source").order_by("pk"))
        )
        return _page(self, request, qs, EntrySerializer, _ByDate)

"""Village finance API: reads and verbs under /api/v1/village-finance/. Views only translate."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.core.errors import NotFound, PermissionDenied
from pintu.regions.models import OrgUnit
from pintu.village_finance import selectors, services
from pintu.village_finance.constants import BudgetAction


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

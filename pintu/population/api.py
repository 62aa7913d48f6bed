"""Population API (staff only): resident search and detail (logged), statistics. Views only
translate; the selectors check role × org unit."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors
from pintu.core.errors import PermissionDenied, ValidationFailed
from pintu.population import policies, selectors
from pintu.regions.models import District, Village


class ResidentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nik = serializers.CharField(
        help_text="Masked (3510********0001) for roles without access to full records"
    )
    nik_is_temporary = serializers.BooleanField()
    full_name = serializers.CharField()
    sex_label = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    village_id = serializers.IntegerField()
    hamlet_name = serializers.CharField()
    rw = serializers.CharField()
    rt = serializers.CharField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    masked = serializers.BooleanField()


ResidentDetailSerializer = inline_serializer(
    name="ResidentDetail",
    fields={
        "id": serializers.IntegerField(),
        "nik": serializers.CharField(),
        "nik_is_temporary": serializers.BooleanField(),
        "full_name": serializers.CharField(),
        "sex_label": serializers.CharField(),
        "birth_text": serializers.CharField(),
        "birth_date": serializers.DateField(),
        "age": serializers.IntegerField(),
        "religion_label": serializers.CharField(),
        "education_label": serializers.CharField(),
        "occupation_label": serializers.CharField(),
        "marital_status_label": serializers.CharField(),
        "family_relation_label": serializers.CharField(),
        "kk_number": serializers.CharField(),
        "address": serializers.CharField(),
        "village_code": serializers.CharField(),
        "status_label": serializers.CharField(),
    },
)

StatisticsSerializer = inline_serializer(
    name="PopulationStatistics",
    fields={
        "scope": serializers.CharField(),
        "total": serializers.IntegerField(),
        "male": serializers.IntegerField(),
        "female": serializers.IntegerField(),
        "villages": serializers.IntegerField(),
        "pyramid": serializers.ListField(child=serializers.DictField()),
        "dimensions": serializers.DictField(child=serializers.ListField(child=serializers.DictField())),
        "monthly": serializers.ListField(child=serializers.DictField()),
    },
)


def _staff(request):
    principal = principal_for(request.user)
    if not principal.is_staff_member:
        raise PermissionDenied
    return principal


class ResidentSearchView(APIView):
    @extend_schema(
        tags=["population"],
        summary="Search residents by NIK (exact or prefix) or name prefix, in the villages the caller may see",
        parameters=[
            OpenApiParameter(
                "q", str, required=True, description="NIK, NIK prefix or the beginning of a name"
            ),
            OpenApiParameter("village", str, description="Village code, e.g. 35.10.24.2008"),
            OpenApiParameter("limit", int, description="1-100, default 20"),
        ],
        responses={200: ResidentRowSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request):
        principal = _staff(request)
        village = None
        if request.query_params.get("village"):
            village = Village.objects.filter(code=request.query_params["village"]).first()
            if village is None:
                raise Http404
        limit = request.query_params.get("limit", "20")
        rows = selectors.resident_search(
            principal=principal,
            query=request.query_params.get("q", ""),
            village=village,
            limit=int(limit) if limit.isdigit() else 20,
        )
        return Response(ResidentRowSerializer(rows, many=True).data)


class ResidentDetailView(APIView):
    @extend_schema(
        tags=["population"],
        summary="A resident's full record (village staff only); the view is logged with its purpose",
        parameters=[OpenApiParameter("purpose", str, required=True, description="Why the record is opened")],
        responses={200: ResidentDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        principal = _staff(request)
        resident = selectors.resident_get_for(
            principal=principal, resident_id=pk, purpose=request.query_params.get("purpose", "")
        )
        data = selectors.resident_letter_data(resident=resident)
        keys = [
            "nik", "nik_is_temporary", "full_name", "sex_label", "birth_text", "birth_date", "age", "religion_label",
            "education_label", "occupation_label", "marital_status_label", "family_relation_label", "kk_number",
            "address", "village_code", "status_label",
        ]  # fmt: skip
        return Response({"id": resident.pk, **{k: data[k] for k in keys}})


def _stats_payload(scope: str, village_ids) -> dict:
    stats = selectors.statistics_for(village_ids)
    return {
        "scope": scope,
        "total": stats.total,
        "male": stats.male,
        "female": stats.female,
        "villages": stats.villages,
        "pyramid": stats.pyramid,
        "dimensions": stats.dimensions,
        "monthly": [{**m, "month": m["month"].isoformat()} for m in stats.monthly],
    }


class StatisticsView(APIView):
    @extend_schema(
        tags=["population"],
        summary="Aggregate statistics of a village, a kecamatan or the regency (no personal data)",
        parameters=[
            OpenApiParameter("village", str, description="Village code"),
            OpenApiParameter("district", str, description="Kecamatan code, e.g. 35.10.24"),
        ],
        responses={200: StatisticsSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request):
        principal = _staff(request)
        allowed = policies.statistics_village_ids(principal)
        if request.query_params.get("village"):
            village = Village.objects.filter(code=request.query_params["village"]).first()
            if village is None:
                raise Http404
            if village.pk not in allowed:
                raise PermissionDenied
            return Response(_stats_payload(village.code, [village.pk]))
        if request.query_params.get("district"):
            district = District.objects.filter(code=request.query_params["district"]).first()
            if district is None:
                raise Http404
            ids = list(Village.objects.filter(district=district).values_list("pk", flat=True))
            if not ids or not set(ids) <= allowed:
                raise PermissionDenied
            return Response(_stats_payload(district.code, ids))
        if not principal.is_regency_admin:
            raise ValidationFailed("Sebutkan village atau district.", code="population.scope_required")
        return Response(_stats_payload("regency", sorted(allowed)))

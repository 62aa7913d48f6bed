"""Public catalogue API."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.api.schema import errors
from pintu.catalog.constants import STANDARD_COMPONENTS
from pintu.catalog.models import DocumentRequirement, FormField, Service, WorkflowStep
from pintu.catalog.selectors import catalogue_agencies, catalogue_services, published_service
from pintu.regions.models import OrgUnit


class AgencySerializer(serializers.ModelSerializer):
    service_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "short_name", "agency_kind", "address", "phone", "website", "service_count"]


class ServiceSummarySerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    time_limit_days = serializers.IntegerField(source="published_version.time_limit_days")
    fee = serializers.DecimalField(source="published_version.fee", max_digits=14, decimal_places=0)
    version = serializers.IntegerField(source="published_version.number")

    class Meta:
        model = Service
        fields = [
            "code",
            "name",
            "category",
            "summary",
            "agency",
            "agency_name",
            "starts_at_village",
            "time_limit_days",
            "fee",
            "version",
        ]


class FormFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormField
        fields = ["key", "label", "kind", "required", "help_text", "choices", "max_length"]


class DocumentRequirementSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="document_type.code")
    name = serializers.CharField(source="document_type.name")
    formats = serializers.ListField(source="document_type.formats", child=serializers.CharField())
    max_mb = serializers.IntegerField(source="document_type.max_mb")

    class Meta:
        model = DocumentRequirement
        fields = ["code", "name", "required", "note", "formats", "max_mb"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkflowStep
        fields = ["position", "name", "owner", "kind", "sla_days"]


class StandardSerializer(serializers.Serializer):
    requirements = serializers.CharField()
    procedure = serializers.CharField()
    time_limit_days = serializers.IntegerField()
    fee = serializers.DecimalField(max_digits=14, decimal_places=0)
    fee_note = serializers.CharField()
    product = serializers.CharField()
    legal_basis = serializers.CharField()
    complaints_channel = serializers.CharField()
    facilities = serializers.CharField()
    officer_competence = serializers.CharField()
    internal_supervision = serializers.CharField()
    staffing = serializers.CharField()
    service_guarantee = serializers.CharField()
    security_guarantee = serializers.CharField()
    performance_evaluation = serializers.CharField()


class ServiceDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    summary = serializers.CharField()
    agency = AgencySerializer()
    starts_at_village = serializers.BooleanField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    standard = StandardSerializer()
    form_fields = FormFieldSerializer(many=True)
    documents = DocumentRequirementSerializer(many=True)
    steps = StepSerializer(many=True)


def service_detail_payload(service, version) -> dict:
    return {
        "code": service.code,
        "name": service.name,
        "category": service.category,
        "summary": service.summary,
        "agency": service.agency,
        "starts_at_village": service.starts_at_village,
        "version": version.number,
        "published_at": version.published_at,
        "standard": {name: getattr(version, name) for name, _ in STANDARD_COMPONENTS}
        | {"fee_note": version.fee_note},
        "form_fields": version.form_fields.all(),
        "documents": version.document_requirements.all(),
        "steps": version.steps.all(),
    }


class CataloguePagination(PageNumberPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


@extend_schema(tags=["catalog"], summary="Agencies with published services")
class AgencyListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = AgencySerializer
    pagination_class = None

    def get_queryset(self):
        return catalogue_agencies()


@extend_schema(
    tags=["catalog"],
    summary="Search the service catalogue",
    parameters=[
        OpenApiParameter("q", str, description="Words to search in name, summary, keywords and agency"),
        OpenApiParameter("agency", str, description="Agency code"),
        OpenApiParameter("category", str),
        OpenApiParameter("village", bool, description="Only services that start at the village office"),
    ],
)
class ServiceListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = ServiceSummarySerializer
    pagination_class = CataloguePagination

    def get_queryset(self):
        params = self.request.query_params
        return catalogue_services(
            query=params.get("q", ""),
            agency_code=params.get("agency", ""),
            category=params.get("category", ""),
            village_only=params.get("village") in ("1", "true"),
        )


class ServiceDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=["catalog"],
        summary="A service's published Standar Pelayanan, form, documents and workflow",
        responses={200: ServiceDetailSerializer, **errors(404)},
    )
    def get(self, request, code: str):
        service, version = published_service(code)
        return Response(ServiceDetailSerializer(service_detail_payload(service, version)).data)

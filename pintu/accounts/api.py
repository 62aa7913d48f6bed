from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pintu.accounts.access import principal_for
from pintu.api.schema import errors

MeSerializer = inline_serializer(
    name="Me",
    fields={
        "username": serializers.CharField(),
        "full_name": serializers.CharField(),
        "account_type": serializers.CharField(),
        "roles": serializers.ListField(
            child=inline_serializer(
                name="RoleGrant",
                fields={"role": serializers.CharField(), "org_unit": serializers.CharField()},
            )
        ),
    },
)


class MeView(APIView):
    @extend_schema(
        tags=["accounts"], summary="The caller and their roles", responses={200: MeSerializer, **errors(401)}
    )
    def get(self, request):
        user = request.user
        principal = principal_for(user)
        from pintu.regions.models import OrgUnit

        codes = dict(OrgUnit.objects.filter(pk__in=principal.unit_ids).values_list("pk", "code"))
        return Response(
            {
                "username": user.get_username(),
                "full_name": user.full_name,
                "account_type": user.account_type,
                "roles": [{"role": role, "org_unit": codes[unit]} for role, unit in sorted(principal.grants)],
            }
        )

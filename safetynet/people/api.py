from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from safetynet.access.lookups import get_person_for

from .models import Person


class PersonSerializer(serializers.ModelSerializer):
    """Pseudonymous facts only. Identity is shown in the web page, one reveal at a time."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "code", "sex", "age_band", "nationality", "identity_erased_at"]


class PersonDetail(APIView):
    @extend_schema(responses=PersonSerializer)
    def get(self, request, public_id):
        return Response(PersonSerializer(get_person_for(request.user, public_id)).data)

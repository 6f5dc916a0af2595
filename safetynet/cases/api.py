"""Cases over HTTP for integrations and offline clients. Same access layer as the pages."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from safetynet.access import policy
from safetynet.access.lookups import get_case_for
from safetynet.agencies.models import Jurisdiction
from safetynet.core.services import acting_membership
from safetynet.people.models import MAX_AGE, Person

from . import services
from .models import Case, CaseParty


class CaseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owning_agency = serializers.CharField(source="owning_agency.short_code", read_only=True)
    jurisdiction = serializers.SlugRelatedField(slug_field="code", queryset=Jurisdiction.objects.all(),
                                                error_messages={"does_not_exist": _("Unknown place code “{value}”.")})
    parties = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "reference", "title", "summary", "kind", "status", "owning_agency", "jurisdiction",
                  "opened_on", "version", "created_at", "updated_at", "parties"]
        read_only_fields = ["reference", "status", "version", "created_at", "updated_at"]

    def get_parties(self, case) -> list[dict]:
        # Pseudonymous codes only: identity is never part of a case payload.
        return [{"person": str(p.person.public_id), "code": p.person.code, "role": p.role}
                for p in case.parties.all()]


class CaseUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text=_("The version you last read; a stale one gets 409."))
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Case.Kind.choices, required=False)
    opened_on = serializers.DateField(required=False)
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    body = serializers.CharField(max_length=20_000)
    author = serializers.CharField(source="author.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CaseListCreate(generics.ListCreateAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user).select_related(
            "owning_agency", "jurisdiction").prefetch_related("parties__person").order_by("-opened_on", "-id")

    def create(self, request, *args, **kwargs):
        acting_membership(request.user, policy.Cap.CASE_CREATE)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.open_case(actor=request.user, title=data["title"], kind=data.get("kind", Case.Kind.OTHER),
                                  jurisdiction=data["jurisdiction"], opened_on=data.get("opened_on"),
                                  summary=data.get("summary", ""))
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetail(APIView):
    @extend_schema(responses=CaseSerializer)
    def get(self, request, public_id):
        return Response(CaseSerializer(get_case_for(request.user, public_id)).data)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def patch(self, request, public_id):
        case = get_case_for(request.user, public_id, policy.Cap.CASE_EDIT)
        serializer = CaseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        new_status = data.pop("status", None)
        # One request, one outcome: a refused status change must not leave the field edits saved.
        with transaction.atomic():
            if data:
                case = services.update_case(actor=request.user, case=case, expected_version=version, **data)
                version = case.version
            if new_status and new_status != case.status:
                case = services.change_status(actor=request.user, case=case, expected_version=version,
                                              status=new_status)
        return Response(CaseSerializer(case).data)


class CaseNotes(APIView):
    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, public_id):
        case = get_case_for(request.user, public_id)
        return Response(NoteSerializer(case.notes.select_related("author")[:200], many=True).data)

    @extend_schema(request=NoteSerializer, responses=NoteSerializer)
    def post(self, request, public_id):
        case = get_case_for(request.user, public_id, policy.Cap.CASE_ADD_NOTE)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.add_note(actor=request.user, case=case, body=serializer.validated_data["body"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class PartySerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=CaseParty.Role.choices)
    sex = serializers.ChoiceField(choices=["female", "male", "other", "unknown"], default="unknown")
    age_band = serializers.ChoiceField(choices=["0-11", "12-17", "18-25", "26-40", "41+", "unknown"],
                                       default="unknown")
    nationality = serializers.ChoiceField(choices=["IN", "BD", "NP", "other", "unknown"], default="unknown")
    name_native = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    name_latin = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    father_name = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    age = serializers.IntegerField(min_value=0, max_value=MAX_AGE, required=False, allow_null=True, write_only=True)
    person = serializers.UUIDField(read_only=True)
    code = serializers.CharField(read_only=True)

    def validate(self, attrs):
        """An age fills an unknown age band and must agree with a given one (as the form)."""
        age = attrs.get("age")
        if age is not None:
            expected = Person.band_for_age(age)
            if attrs.get("age_band", "unknown") == "unknown":
                attrs["age_band"] = expected
            elif attrs["age_band"] != expected:
                band = Person.AgeBand(attrs["age_band"]).label
                raise serializers.ValidationError({"age": [_("An age of %(age)s is not in the age band chosen "
                                                             "(%(band)s): correct one of them.")
                                                           % {"age": age, "band": band}]})
        return attrs


class CaseParties(APIView):
    @extend_schema(request=PartySerializer, responses=PartySerializer)
    def post(self, request, public_id):
        case = get_case_for(request.user, public_id, policy.Cap.CASE_ADD_PARTY)
        serializer = PartySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        identity = {k: data[k] for k in ("name_native", "name_latin", "father_name") if data.get(k)}
        if data.get("age") is not None:
            identity["age"] = str(data["age"])
        party = services.add_party(actor=request.user, case=case, role=data["role"], sex=data["sex"],
                                   age_band=data["age_band"], nationality=data["nationality"], identity=identity)
        return Response({"person": str(party.person.public_id), "code": party.person.code, "role": party.role,
                         "sex": party.person.sex, "age_band": party.person.age_band,
                         "nationality": party.person.nationality}, status=status.HTTP_201_CREATED)

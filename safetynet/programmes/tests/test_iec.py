"""IEC materials: saved with their quantities and audited; bad quantities, dates and places
refused with a clear message and nothing saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.audit.models import AuditEvent
from safetynet.programmes import services
from safetynet.programmes.models import IECMaterial

pytestmark = pytest.mark.django_db
DAY = datetime.date(2009, 4, 2)


def _iec(users, jurisdictions, persona="ngo_kish", **overrides):
    fields = {"title": "Beware of fake marriage offers", "language": "hi", "format": "poster",
              "quantity_printed": 500, "quantity_distributed": 450, "jurisdiction": jurisdictions["IN-BR-KISH"],
              "place": "Kishanganj bus stand", "distributed_on": DAY}
    return services.record_iec_material(actor=users[persona], **{**fields, **overrides})


def _messages(excinfo) -> dict:
    return {k: [str(m) for m in v] for k, v in excinfo.value.message_dict.items()}


def test_iec_material_is_saved_for_the_agency_and_audited(users, jurisdictions):
    material = _iec(users, jurisdictions)
    assert (material.quantity_printed, material.quantity_distributed) == (500, 450)
    assert material.owning_agency.short_code == "NGO-KISH"
    assert material.get_language_display() == "Hindi" and material.get_format_display() == "Poster"
    audit = AuditEvent.objects.get(action="programme.iec_material", object_id=str(material.public_id))
    assert audit.changes["quantity_distributed"] == 450 and audit.actor == users["ngo_kish"]
    assert list(IECMaterial.objects.visible_to(users["ngo_kish"])) == [material]
    assert not IECMaterial.objects.visible_to(users["ngo_n24p"]).exists()


def test_all_printed_may_be_distributed(users, jurisdictions):
    assert _iec(users, jurisdictions, quantity_distributed=500).quantity_distributed == 500


@pytest.mark.parametrize("overrides, field, message", [
    ({"quantity_distributed": 600}, "quantity_distributed",
     "More distributed (600) than printed (500): the quantity distributed cannot be larger than the quantity "
     "printed."),
    ({"quantity_printed": -1}, "quantity_printed", "Enter a count of zero or more."),
    ({"quantity_distributed": 0}, "quantity_distributed", "Enter at least 1."),
    ({"language": "fr"}, "language", "Choose the language."),
    ({"format": "tattoo"}, "format", "Choose the format."),
    ({"title": " "}, "title", "Write the material's title."),
    ({"place": ""}, "place", "Write where it was distributed."),
    ({"jurisdiction": None}, "jurisdiction", "Choose the place."),
])
def test_bad_iec_material_is_refused_and_nothing_saved(users, jurisdictions, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _iec(users, jurisdictions, **overrides)
    assert message in _messages(excinfo)[field]
    assert not IECMaterial.objects.exists()
    assert not AuditEvent.objects.filter(action="programme.iec_material").exists()


def test_iec_material_in_the_future_or_abroad_is_refused(users, jurisdictions):
    with pytest.raises(ValidationError) as excinfo:
        _iec(users, jurisdictions, distributed_on=timezone.localdate() + datetime.timedelta(days=1),
             jurisdiction=jurisdictions["BD-KHL-JASH"])
    messages = _messages(excinfo)
    assert messages["distributed_on"] == ["This date is in the future."]
    assert messages["jurisdiction"] == ["This place is outside your agency's country."]
    assert not IECMaterial.objects.exists()


@pytest.mark.parametrize("persona", ["reporter", "researcher", "ahtu_n24p", "outsider"])
def test_only_programme_roles_record_iec_material(users, jurisdictions, persona):
    with pytest.raises(PermissionDenied):
        _iec(users, jurisdictions, persona=persona)
    assert not IECMaterial.objects.exists()


def test_trainees_added_later_count_once(users, jurisdictions):
    programme = services.record_training(
        actor=users["me_officer"], title="Sensitisation of station house officers", jurisdiction=jurisdictions["IN-BR"],
        starts_on=DAY, ends_on=DAY, venue="Patna", language="Hindi", participants={"police": 20})
    services.record_participation(actor=users["me_officer"], programme=programme, participants={"judiciary": 3})
    assert dict(programme.participation.values_list("category", "attended")) == {"police": 20, "judiciary": 3}
    with pytest.raises(ValidationError) as excinfo:
        services.record_participation(actor=users["me_officer"], programme=programme,
                                      participants={"police": 5, "teachers": 2})
    assert _messages(excinfo)["police"] == ["This programme already has 20 Police counted; it is not counted twice."]
    assert programme.participation.count() == 2
    with pytest.raises(PermissionDenied):  # another agency's programme
        services.record_participation(actor=users["ngo_kish"], programme=programme, participants={"ngos": 4})

"""Named trainees: the same person listed twice is refused, attendance stays within the
programme's days, only the programme's own agency reaches them, and the page shows whether
the names agree with the programme's category counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safetynet.audit.models import AuditEvent
from safetynet.core.models import StaleEdit
from safetynet.training import services
from safetynet.training.models import Trainee

pytestmark = pytest.mark.django_db


def _add(users, programme, persona="ngo_n24p", **overrides):
    fields = {"full_name": "Sri Tapas Kumar Ghosh", "category": "police", "organisation": "Bongaon Police Station",
              "designation": "Sub-Inspector", "sex": "male", "days_attended": 3}
    return services.add_trainee(actor=users[persona], programme=programme, **{**fields, **overrides})


def test_a_trainee_listed_twice_is_refused_after_normalising_the_name(users, programme):
    _add(users, programme)
    for name, organisation in (("tapas kumar  ghosh", "Bongaon Police Station"),
                               ("Shri. Tapas Kumar Ghosh", "bongaon police   station"),
                               ("TAPAS KUMAR GHOSH", "Bongaon Police Station.")):
        with pytest.raises(ValidationError) as excinfo:
            _add(users, programme, full_name=name, organisation=organisation)
        assert "already listed in this programme" in excinfo.value.message_dict["full_name"][0]
    assert Trainee.objects.filter(programme=programme).count() == 1


def test_the_same_name_from_another_organisation_is_another_person(users, programme):
    _add(users, programme)
    _add(users, programme, organisation="Gaighata Police Station")
    _add(users, programme, full_name="Smt. Mita Ghosh", organisation="Bongaon Police Station", sex="female")
    assert programme.trainees.count() == 3


def test_attendance_beyond_the_programme_is_refused_and_nothing_saved(users, programme):
    with pytest.raises(ValidationError) as excinfo:
        _add(users, programme, days_attended=4)
    assert excinfo.value.message_dict["days_attended"] == ["The programme lasted 3 days; a trainee cannot attend 4."]
    with pytest.raises(ValidationError):
        _add(users, programme, days_attended=-1)
    assert not programme.trainees.exists()
    trainee = _add(users, programme, days_attended=1)
    with pytest.raises(ValidationError):
        services.update_trainee(actor=users["ngo_n24p"], trainee=trainee, expected_version=trainee.version,
                                days_attended=5)
    trainee.refresh_from_db()
    assert trainee.days_attended == 1


def test_completed_means_every_day_attended(users, programme):
    partly = _add(users, programme, days_attended=2)
    fully = _add(users, programme, full_name="Rina Das", organisation="Bongaon Girls' School", category="teachers",
                 sex="female")
    assert not partly.completed and fully.completed


def test_the_audit_trail_never_holds_the_name(users, programme):
    trainee = _add(users, programme)
    services.update_trainee(actor=users["ngo_n24p"], trainee=trainee, expected_version=trainee.version,
                            full_name="Tapas K. Ghosh")
    events = AuditEvent.objects.filter(object_id=str(trainee.public_id))
    assert [e.action for e in events.order_by("seq")] == ["training.trainee_add", "training.trainee_edit"]
    for event in events:
        assert "Ghosh" not in str(event.changes) and "Bongaon" not in str(event.changes)


def test_an_edit_made_against_an_old_version_is_refused(users, programme):
    trainee = _add(users, programme, days_attended=1)
    old = trainee.version
    services.update_trainee(actor=users["ngo_n24p"], trainee=trainee, expected_version=old, days_attended=2)
    stale = Trainee.objects.get(pk=trainee.pk)
    with pytest.raises(StaleEdit):
        services.update_trainee(actor=users["ngo_n24p"], trainee=stale,
                                expected_version=old, days_attended=3)
    assert Trainee.objects.get(pk=trainee.pk).days_attended == 2


def test_another_agency_may_not_add_trainees(users, programme):
    for persona in ("ngo_kish", "me_officer", "researcher"):
        with pytest.raises(PermissionDenied):
            _add(users, programme, persona=persona)
    assert not programme.trainees.exists()


def test_the_page_compares_names_with_the_counts(users, programme, client_for):
    url = reverse("training:programme", args=[programme.public_id])
    page = client_for("ngo_n24p").get(url).content.decode()
    assert "No trainees are named yet" in page
    _add(users, programme)
    page = client_for("ngo_n24p").get(url).content.decode()
    assert "do not agree with the programme" in page
    assert "Tapas Kumar Ghosh" in page
    _add(users, programme, full_name="Bikash Roy", sex="male")
    _add(users, programme, full_name="Rina Das", organisation="Bongaon Girls' School", category="teachers",
         sex="female", days_attended=2)
    page = client_for("ngo_n24p").get(url).content.decode()
    assert "counts in every category" in page
    # A trainee who attended no day is listed but not counted as having attended.
    _add(users, programme, full_name="Absent Officer", days_attended=0)
    assert "counts in every category" in client_for("ngo_n24p").get(url).content.decode()


def test_adding_on_the_page_shows_the_listed_twice_message(users, programme, client_for):
    url = reverse("training:add_trainee", args=[programme.public_id])
    data = {"full_name": "Md. Rafiqul Islam", "category": "border", "organisation": "BSF Petrapole", "sex": "male",
            "days_attended": "3", "designation": ""}
    client = client_for("ngo_n24p")
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "full_name": "rafiqul islam"})
    assert response.status_code == 400
    assert "This trainee is already listed in this programme" in response.content.decode()
    assert programme.trainees.count() == 1


def test_attendance_is_edited_from_the_row(users, programme, client_for):
    trainee = _add(users, programme, days_attended=1)
    url = reverse("training:attendance", args=[trainee.public_id])
    prefix = f"t{trainee.pk}"
    response = client_for("ngo_n24p").post(url, {f"{prefix}-days_attended": "3", f"{prefix}-version": trainee.version})
    assert response.status_code == 302
    assert Trainee.objects.get(pk=trainee.pk).days_attended == 3
    response = client_for("ngo_n24p").post(url, {f"{prefix}-days_attended": "9",
                                                 f"{prefix}-version": trainee.version + 1}, follow=True)
    assert "cannot attend 9" in response.content.decode()
    assert Trainee.objects.get(pk=trainee.pk).days_attended == 3


def test_names_are_not_in_urls(users, programme, client_for):
    trainee = _add(users, programme)
    page = client_for("ngo_n24p").get(reverse("training:programme", args=[programme.public_id])).content.decode()
    import re

    for href in re.findall(r'(?:href|action)="([^"]+)"', page):
        assert "Ghosh" not in href and "Tapas" not in href
    assert str(trainee.public_id) in page

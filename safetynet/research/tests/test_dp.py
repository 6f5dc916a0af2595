"""Differentially private counts: OpenDP's release, the ledger, and the budget refusal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safetynet.audit.models import AuditEvent
from safetynet.cases import services as cases
from safetynet.research import dp, services
from safetynet.research.models import DpRelease

pytestmark = pytest.mark.django_db


@pytest.fixture
def victims(users, jurisdictions):
    """Forty sexual-exploitation victims in West Bengal this year."""
    officer = users["ahtu_n24p"]
    case = cases.open_case(actor=officer, title="Hotel raid", kind="sexual_exploitation",
                           jurisdiction=jurisdictions["IN-WB-N24P"])
    for _i in range(40):
        cases.add_party(actor=officer, case=case, role="victim", sex="female", age_band="18-25")
    return 40


def test_a_release_lists_every_cell_with_noisy_non_negative_counts(users, victims):
    year = timezone.localdate().year
    release = services.release_counts(actor=users["researcher"], dimensions=["year", "type", "state"],
                                      year_from=year - 1, year_to=year, epsilon="1.0")
    assert release.epsilon == Decimal("1.0") and release.scale == pytest.approx(1.0)
    # Every cell of the public grid: 2 years x 5 forms x (14 states + not known), whatever the data.
    assert len(release.cells) == 2 * len(dp.FORMS) * 15
    assert all(c["count"] >= 0 for c in release.cells)
    cell = next(c for c in release.cells if (c["year"], c["type"], c["state"]) == (str(year), "sexual", "IN-WB"))
    assert abs(cell["count"] - victims) < 30  # discrete Laplace, scale 1: beyond 30 has probability ~e^-30
    assert sum(c["count"] for c in release.cells if c["year"] == str(year - 1)) < 200
    event = AuditEvent.objects.get(action="research.dp_release")
    assert event.changes["epsilon"] == "1.0" and event.changes["spent_in_period"] == "1.00"


def test_the_budget_is_refused_clearly_once_spent_and_nothing_is_charged(users, victims):
    researcher, year = users["researcher"], timezone.localdate().year
    for _i in range(3):
        services.release_counts(actor=researcher, dimensions=["type"], year_from=year, year_to=year, epsilon="1.0")
    assert services.budget(researcher)["left"] == Decimal("0")
    with pytest.raises(ValidationError) as refused:
        services.release_counts(actor=researcher, dimensions=["type"], year_from=year, year_to=year, epsilon="0.1")
    message = refused.value.message_dict["epsilon"][0]
    assert "Refused" in message and "ε 0.1" in message and "ε 0.00 left of your ε 3.00" in message
    assert f"{year + 1}-01-01" in message
    assert DpRelease.objects.filter(researcher=researcher).count() == 3
    assert AuditEvent.objects.filter(action="research.dp_release").count() == 3


def test_the_budget_renews_with_the_period(users, victims):
    researcher, year = users["researcher"], timezone.localdate().year
    last_year = datetime.date(year - 1, 12, 31)
    for _i in range(3):
        services.release_counts(actor=researcher, dimensions=["type"], year_from=year - 2, year_to=year - 1,
                                epsilon="1.0", today=last_year)
    assert services.budget(researcher, last_year)["left"] == 0
    assert services.budget(researcher)["left"] == services.BUDGET_PER_PERIOD


def test_a_release_over_a_partly_spent_budget_is_refused_but_a_smaller_one_fits(users, victims):
    researcher, year = users["researcher"], timezone.localdate().year
    services.release_counts(actor=researcher, dimensions=["state"], year_from=year, year_to=year, epsilon="1.0")
    services.release_counts(actor=researcher, dimensions=["state"], year_from=year, year_to=year, epsilon="1.0")
    services.release_counts(actor=researcher, dimensions=["state"], year_from=year, year_to=year, epsilon="0.5")
    with pytest.raises(ValidationError):
        services.release_counts(actor=researcher, dimensions=["state"], year_from=year, year_to=year, epsilon="1.0")
    services.release_counts(actor=researcher, dimensions=["state"], year_from=year, year_to=year, epsilon="0.5")
    assert services.budget(researcher)["left"] == 0


@pytest.mark.parametrize("fields, error", [
    ({"dimensions": []}, "dimensions"), ({"dimensions": ["name"]}, "dimensions"),
    ({"epsilon": "5"}, "epsilon"), ({"epsilon": "abc"}, "epsilon"),
    ({"year_from": 1990}, "year_from"), ({"year_to": 2999}, "year_from"), ({"year_from": 2026, "year_to": 2020},
                                                                            "year_from"),
    ({"year_from": 2000, "year_to": 2025}, "year_from"),
])
def test_bad_requests_are_refused_with_a_message_and_nothing_spent(users, fields, error):
    year = timezone.localdate().year
    args = {"dimensions": ["year"], "year_from": year, "year_to": year, "epsilon": "0.5", **fields}
    with pytest.raises(ValidationError) as exc:
        services.release_counts(actor=users["researcher"], **args)
    assert error in exc.value.message_dict
    assert not DpRelease.objects.exists()


def test_only_researchers_release(users):
    year = timezone.localdate().year
    for persona in ("me_officer", "ahtu_n24p", "admin", "outsider"):
        with pytest.raises(PermissionDenied):
            services.release_counts(actor=users[persona], dimensions=["year"], year_from=year, year_to=year,
                                    epsilon="0.5")


def test_the_page_shows_the_refusal_and_the_csv_states_epsilon(users, victims, client_for):
    client, year = client_for("researcher"), timezone.localdate().year
    form = {"dimensions": ["year", "type"], "year_from": year, "year_to": year, "epsilon": "1.0"}
    response = client.post("/research/aggregates/", form)
    release = DpRelease.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/research/aggregates/{release.public_id}/"
    csv_text = client.get(f"/research/aggregates/{release.public_id}.csv").content.decode()
    assert csv_text.startswith("# SafetyNet differentially private counts")
    assert "epsilon = 1.0" in csv_text and "year,type,count" in csv_text
    client.post("/research/aggregates/", form)
    client.post("/research/aggregates/", form)
    refused = client.post("/research/aggregates/", {**form, "epsilon": "0.25"})
    assert refused.status_code == 200
    assert "Refused: this release would spend ε 0.25" in refused.content.decode()
    assert DpRelease.objects.count() == 3
    # Someone else's release is not found.
    other = client_for("me_officer").get(f"/research/aggregates/{release.public_id}/")
    assert other.status_code == 404

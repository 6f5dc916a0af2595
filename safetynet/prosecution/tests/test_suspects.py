"""Suspects on file across cases: the same phone, vehicle or name (in any spelling or
script) is found in the cases the user may see; the owners of cases the user may not see
are told a link exists, without learning whose case it is; the network groups them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safetynet.cases import services as cases
from safetynet.cases.models import CaseParty
from safetynet.conftest import signed_in
from safetynet.notifications.models import Notification
from safetynet.people.namekey import name_key
from safetynet.prosecution import network, services
from safetynet.prosecution.models import SuspectIndicator, SuspectLinkNotice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("a", "b"), [
    ("Md. Rafiq Sheikh", "রফিক শেখ"), ("Rohima Khatoon", "রহিমা খাতুন"), ("Rahima Khatun", "रहिमा खातून"),
    ("Sheikh Rafik", "Rafiq Shaikh"), ("Amit Kumar", "अमित कुमार"),
])
def test_names_meet_across_spellings_and_scripts(a, b):
    assert name_key(a) == name_key(b) != ""


def test_different_people_do_not_meet():
    assert name_key("Rafiq Sheikh") != name_key("Rakesh Shaw")
    assert name_key("Rohima Khatoon") != name_key("Salma Khatoon")


def _suspect(actor, case, name, phone=None):
    identity = {"name_native": name} if not name.isascii() else {"name_latin": name}
    if phone:
        identity["phones"] = [phone]
    return cases.add_party(actor=actor, case=case, role="suspect", sex="male", age_band="26-40", identity=identity)


def test_on_file_in_visible_cases_and_a_notice_to_hidden_ones(users, n24p_case, kish_case, jurisdictions):
    n24p, kish = users["ahtu_n24p"], users["ahtu_kish"]
    # Kishanganj's case has a suspect with a phone; a second N24P case has the same man, written in Bengali.
    _suspect(kish, kish_case, "Rafik Shaikh", phone="+91 94310 66666")
    other = cases.open_case(actor=n24p, title="Second case", kind="forced_marriage",
                            jurisdiction=jurisdictions["IN-WB-N24P"])
    party = _suspect(n24p, other, "রফিক শেখ", phone="094310 66666")
    assert SuspectIndicator.objects.filter(person=party.person, kind="name").exists()

    found = services.check_on_file(actor=n24p, party=party, notify=False)
    # n24p_case's suspect "Md. Rafiq Sheikh" is the same name, and visible to the N24P officer.
    assert [link.other.case for link in found.visible] == [n24p_case]
    assert found.visible[0].kinds == ["name"]
    assert found.hidden_cases == 1  # Kishanganj's, invisible to N24P
    # Kishanganj's officers were told when the suspect was added — without N24P's case or names.
    [notice] = Notification.objects.filter(user=kish, message__startswith="Possible link")
    assert "phone number" in notice.message and kish_case.reference in notice.message
    assert other.reference not in notice.message and "রফিক" not in notice.message and "N24P" not in notice.message
    # Told once per pair: adding the same suspect's details again does not repeat it.
    services.check_on_file(actor=n24p, party=party)
    assert Notification.objects.filter(user=kish, message__startswith="Possible link").count() == 1
    # Both ways: when Kishanganj entered "Rafik Shaikh", N24P heard of a link to its "Md. Rafiq Sheikh".
    assert SuspectLinkNotice.objects.count() == 2
    assert Notification.objects.filter(user=n24p, message__startswith="Possible link",
                                       message__contains=n24p_case.reference).exists()

    # The legal file shows the visible link and counts the hidden one.
    page = signed_in(n24p).get(f"/prosecution/cases/{other.public_id}/")
    assert page.status_code == 200  # no accused yet: the panel appears once the suspect is an accused
    accused = services.add_accused(actor=n24p, case=other, party=party)
    body = signed_in(n24p).get(f"/prosecution/cases/{other.public_id}/").content.decode()
    assert "Already on file:" in body and n24p_case.reference in body and "same name" in body
    assert "1 case you cannot see" in body and kish_case.reference not in body
    assert accused.code == "A1"


def test_vehicles_and_bank_accounts_link_suspects_and_the_network_groups_them(users, n24p_case, jurisdictions):
    officer = users["ahtu_n24p"]
    first = CaseParty.objects.get(case=n24p_case, role="suspect")
    a1 = services.add_accused(actor=officer, case=n24p_case, party=first)
    with pytest.raises(ValidationError):
        services.add_to_suspect_record(actor=officer, party=first, vehicles=["not a plate"], bank_accounts=[])
    services.add_to_suspect_record(actor=officer, party=first, vehicles=["WB 26 K 4321"],
                                   bank_accounts=["SBI 30012345678"])
    second_case = cases.open_case(actor=officer, title="Bolero case", kind="other",
                                  jurisdiction=jurisdictions["IN-WB-N24P-PTRP"])
    driver = _suspect(officer, second_case, "Tapan Das")
    services.add_to_suspect_record(actor=officer, party=driver, vehicles=["WB26K4321"], bank_accounts=[])
    third = _suspect(officer, second_case, "Bablu Ghosh")
    services.add_to_suspect_record(actor=officer, party=third, vehicles=[], bank_accounts=["SBI 3001 2345 678"])
    # Only keyed hashes are stored: neither the plate nor the account number, in any spelling. (Not a
    # bare "4321": a hexadecimal digest contains any four digits now and then by chance.)
    digests = list(SuspectIndicator.objects.values_list("digest", flat=True))
    assert digests and not any(secret in d.upper() for d in digests for secret in ("WB26K4321", "30012345678"))

    [group] = network.groups(network.visible_cases(officer))
    assert sorted(group.suspects) == sorted([first.person.code, driver.person.code, third.person.code])
    assert sorted(ref for ref, _id in group.cases) == sorted([n24p_case.reference, second_case.reference])
    assert group.shared == {"vehicle": 1, "bank": 1} and group.svg.startswith("<svg")
    assert group.svg.count("<polygon") == 2 and "Petrapole border sector" in group.svg  # the cases' places
    page = signed_in(officer).get("/prosecution/network/").content.decode()
    assert "3 suspects" in page and first.person.code in page and "Md. Rafiq" not in page
    # Another district sees none of it; NGOs have no network page.
    assert network.groups(network.visible_cases(users["ahtu_kish"])) == []
    assert signed_in(users["ngo_n24p"]).get("/prosecution/network/").status_code == 404
    assert a1.code == "A1"


def test_a_suspects_vehicles_are_shown_only_on_request_and_logged(users, n24p_case):
    from safetynet.audit.models import AccessEvent

    officer = users["ahtu_n24p"]
    party = CaseParty.objects.get(case=n24p_case, role="suspect")
    accused = services.add_accused(actor=officer, case=n24p_case, party=party)
    services.add_to_suspect_record(actor=officer, party=party, vehicles=["WB 74 AB 1234"],
                                   bank_accounts=["SBI 30012345678"])
    client = signed_in(officer)
    page = client.get(f"/prosecution/cases/{n24p_case.public_id}/").content.decode()
    assert "WB 74 AB 1234" not in page and "Show the vehicles and bank accounts of A1" in page
    shown = client.post(f"/prosecution/accused/{accused.public_id}/suspect/show/").content.decode()
    assert "WB 74 AB 1234" in shown and "SBI 30012345678" in shown
    event = AccessEvent.objects.get(purpose="suspect record")
    assert event.person_code == party.person.code and event.fields == ["bank_accounts", "vehicles"]
    # A colleague elsewhere cannot even find the accused.
    assert signed_in(users["ahtu_kish"]).post(
        f"/prosecution/accused/{accused.public_id}/suspect/show/").status_code == 404

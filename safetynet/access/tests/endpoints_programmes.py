"""Endpoint table rows for the programmes app (same contract as test_endpoints.py, which imports this list).

/programmes/ is for holders of ``programme.record`` (NGO caseworkers, the M&E officer): they see
and enter their own agency's records. Everybody else gets 404: the researcher (aggregates only),
an AHTU officer, the community reporter, a user without a membership. Another agency's NGO
caseworker reaches the pages but never sees this agency's records.
"""

from __future__ import annotations

from django.urls import reverse

from .test_endpoints import PAGE, Endpoint, Expect

VILLAGE = "Bongaon ward 3 (endpoint table)"

NOT_PROGRAMME_ROLES = (
    Expect("researcher", 404, why="aggregates only: no programme.record"),
    Expect("ahtu_n24p", 404, why="investigation, not programme records"),
    Expect("reporter", 404), Expect("outsider", 404),
)


def _n24p_committee(c):
    """A committee of NGO-N24P, entered by ngo_n24p (made once per row)."""
    if "programme_committee" not in c.values:
        import datetime

        from safetynet.agencies.models import Jurisdiction
        from safetynet.programmes.services import record_committee

        committee = record_committee(actor=c.users["ngo_n24p"], jurisdiction=Jurisdiction.objects.get(
            code="IN-WB-N24P"), village=VILLAGE, formed_on=datetime.date(2009, 3, 14), members_female=6,
            members_male=4)
        c.values["programme_committee"] = str(committee.public_id)
    return c.values["programme_committee"]


def _file(c):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("committees.csv", b"district,village,formed_on,members_female,members_male\n"
                                                         b"IN-WB-N24P,Gaighata,14/03/2009,5,5\n", "text/csv")}


ENDPOINTS: list[Endpoint] = [
    Endpoint("programmes:home", "GET", PAGE, lambda c: reverse("programmes:home"), setup=_n24p_committee,
             allowed=Expect("ngo_n24p", 200, contains=("Vigilance committees", VILLAGE)),
             denied=(*NOT_PROGRAMME_ROLES,
                     Expect("ngo_kish", 200, absent=(VILLAGE,), why="another agency's records are not shown"),
                     Expect("me_officer", 200, absent=(VILLAGE,), why="its own agency's records only"))),
    Endpoint("programmes:record", "GET", PAGE, lambda c: reverse("programmes:record", args=["committees"]),
             setup=_n24p_committee,
             allowed=Expect("ngo_n24p", 200, contains=('name="village"', VILLAGE)),
             denied=(*NOT_PROGRAMME_ROLES, Expect("ngo_kish", 200, absent=(VILLAGE,),
                                                  why="the list is the own agency's"))),
    Endpoint("programmes:record", "POST", PAGE, lambda c: reverse("programmes:record", args=["iec-materials"]),
             data=lambda c: {"title": "Safe migration", "language": "bn", "format": "leaflet",
                             "quantity_printed": "100", "quantity_distributed": "80", "district": "IN-DL",
                             "place": "Connaught Place", "distributed_on": "2009-03-14"},
             allowed=Expect("me_officer", 400, contains=("Choose a district or border sector",),
                            why="a state is not a district: the form says so, nothing saved"),
             denied=NOT_PROGRAMME_ROLES),
    Endpoint("programmes:record", "POST", PAGE, lambda c: reverse("programmes:record", args=["iec-materials"]),
             data=lambda c: {"title": "Safe migration", "language": "bn", "format": "leaflet",
                             "quantity_printed": "100", "quantity_distributed": "80", "district": "IN-WB-N24P",
                             "place": "Bongaon", "distributed_on": "2009-03-14"},
             allowed=Expect("ngo_n24p", 302, location="/programmes/iec-materials/"),
             denied=NOT_PROGRAMME_ROLES),
    Endpoint("programmes:import", "GET", PAGE, lambda c: reverse("programmes:import", args=["committees"]),
             allowed=Expect("me_officer", 200, contains=('name="file"', "formed_on")),
             denied=NOT_PROGRAMME_ROLES),
    Endpoint("programmes:import", "POST", PAGE, lambda c: reverse("programmes:import", args=["committees"]),
             data=_file, allowed=Expect("ngo_n24p", 302, location="/programmes/committees/"),
             denied=NOT_PROGRAMME_ROLES),
    Endpoint("programmes:import_errors", "GET", PAGE,
             lambda c: reverse("programmes:import_errors", args=["committees"]),
             allowed=Expect("ngo_n24p", 200, contains=("row,column,problem",)),
             denied=NOT_PROGRAMME_ROLES),
    Endpoint("programmes:template", "GET", PAGE, lambda c: reverse("programmes:template", args=["outcomes", "csv"]),
             allowed=Expect("me_officer", 200, contains=("kind,prevented_on,persons,district",)),
             denied=NOT_PROGRAMME_ROLES),
    Endpoint("programmes:template", "GET", PAGE, lambda c: reverse("programmes:template", args=["outcomes", "xlsx"]),
             setup=_n24p_committee,
             allowed=Expect("ngo_n24p", 200, contains=("PK",)),
             denied=NOT_PROGRAMME_ROLES),
]

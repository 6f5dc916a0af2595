"""Endpoint table rows for the tourism app (same contract as test_endpoints.py, which imports this list).

The register is kept per agency (``tourism.manage``: NGO caseworker, M&E officer). The record
under test is a Darjeeling hotel in the register of the North 24 Parganas NGO (ngo_n24p), with
one focal point. Who reaches it:

- ngo_n24p: its keeper — every page and action;
- me_officer and ngo_kish hold tourism.manage in other agencies: their register pages open, but
  this record is not found (404) and is not listed;
- researcher, ahtu_n24p, reporter, admin, outsider have no tourism.manage: 404 everywhere;
- anybody, signed in or not, uses the public check (/tourism/check/), which shows the hotel's
  standing and never its focal point.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from .test_endpoints import PAGE, PUBLIC, Endpoint, Expect

HOTEL = "Hotel Teesta Valley"
FOCAL_NAME, FOCAL_PHONE, FOCAL_EMAIL = "Karma Bhutia", "+91 94340 55501", "karma.b@teestavalley.example"
FINDINGS = "Night register incomplete for a group of minors."

NO_CAPABILITY = (Expect("researcher", 404, why="no tourism.manage"), Expect("ahtu_n24p", 404),
                 Expect("reporter", 404), Expect("admin", 404), Expect("outsider", 404))
OTHER_AGENCY = (Expect("ngo_kish", 404, why="another agency's register: not found"),
                Expect("me_officer", 404, why="keeps the UNODC register, not this NGO's"))


def _signatory(c):
    if "tourism_signatory" not in c.values:
        from django.utils import timezone

        from safetynet.agencies.models import Jurisdiction
        from safetynet.tourism import services

        ngo = c.users["ngo_n24p"]
        today = timezone.localdate()
        signatory = services.register_signatory(
            actor=ngo, name=HOTEL, kind="hotel", town="Kalimpong", jurisdiction=Jurisdiction.objects.get(
                code="IN-WB-DARJ"), pledged_on=today - datetime.timedelta(days=400))
        point = services.add_focal_point(actor=ngo, signatory=signatory, name=FOCAL_NAME, role="Front office",
                                         phone=FOCAL_PHONE, email=FOCAL_EMAIL)
        services.record_review(actor=ngo, signatory=signatory, reviewed_on=today - datetime.timedelta(days=30),
                               outcome="minor", findings=FINDINGS)
        c._tourism_signatory, c._tourism_focal_point = signatory, point
        c.values["tourism_signatory"] = str(signatory.public_id)
    return c._tourism_signatory


def _url(name):
    return lambda c: reverse(name, args=[_signatory(c).public_id])


def _focal_url(c):
    _signatory(c)
    return reverse("tourism:end_focal_point", args=[c._tourism_focal_point.public_id])


DETAIL = "/tourism/{tourism_signatory}/"
DENIED = (*OTHER_AGENCY, *NO_CAPABILITY)
TODAY = datetime.date.today

ENDPOINTS: list[Endpoint] = [
    Endpoint("tourism:register", "GET", PAGE, lambda c: reverse("tourism:register"), setup=_signatory,
             allowed=Expect("ngo_n24p", 200, contains=(HOTEL, "Kalimpong, Darjeeling")),
             denied=(Expect("me_officer", 200, absent=(HOTEL,), why="its own agency's register only"),
                     Expect("ngo_kish", 200, absent=(HOTEL,)), *NO_CAPABILITY)),
    Endpoint("tourism:new", "GET", PAGE, lambda c: reverse("tourism:new"),
             allowed=Expect("me_officer", 200, contains=('name="pledged_on"', 'name="registration_number"')),
             denied=NO_CAPABILITY),
    Endpoint("tourism:new", "POST", PAGE, lambda c: reverse("tourism:new"),
             data=lambda c: {"name": "Mirik Lake Guest House", "kind": "guest_house", "town": "Mirik",
                             "jurisdiction": "IN-WB-DARJ", "pledged_on": TODAY().isoformat()},
             allowed=Expect("ngo_n24p", 302, location="/tourism/"),
             denied=NO_CAPABILITY),
    Endpoint("tourism:detail", "GET", PAGE, _url("tourism:detail"),
             allowed=Expect("ngo_n24p", 200, contains=(HOTEL, FOCAL_NAME, FOCAL_PHONE, FOCAL_EMAIL, FINDINGS)),
             denied=DENIED),
    Endpoint("tourism:edit", "GET", PAGE, _url("tourism:edit"),
             allowed=Expect("ngo_n24p", 200, contains=(HOTEL, 'name="version"')),
             denied=DENIED),
    Endpoint("tourism:state", "POST", PAGE, _url("tourism:state"),
             data=lambda c: {"version": _signatory(c).version, "action": "suspend",
                             "reason": "Major finding at the last visit."},
             allowed=Expect("ngo_n24p", 302, location=DETAIL), denied=DENIED),
    Endpoint("tourism:add_focal_point", "POST", PAGE, _url("tourism:add_focal_point"),
             data=lambda c: {"name": "Deki Lepcha", "role": "Housekeeping", "phone": "+91 94340 55502"},
             allowed=Expect("ngo_n24p", 302, location=DETAIL), denied=DENIED),
    Endpoint("tourism:add_training", "POST", PAGE, _url("tourism:add_training"),
             data=lambda c: {"held_on": TODAY().isoformat(), "staff_trained": "12"},
             allowed=Expect("ngo_n24p", 302, location=DETAIL), denied=DENIED),
    Endpoint("tourism:add_review", "POST", PAGE, _url("tourism:add_review"),
             data=lambda c: {"reviewed_on": TODAY().isoformat(), "outcome": "compliant",
                             "reviewer_agency": "NGO-N24P"},
             allowed=Expect("ngo_n24p", 302, location=DETAIL), denied=DENIED),
    Endpoint("tourism:end_focal_point", "POST", PAGE, _focal_url,
             data=lambda c: {"version": "1", "reason": "Left the hotel."},
             allowed=Expect("ngo_n24p", 302, location=DETAIL), denied=DENIED),
    # The public check: no sign-in, no personal data, only GET.
    Endpoint("tourism:check", "GET", PUBLIC, lambda c: reverse("tourism:check") + "?q=teesta",
             setup=_signatory,
             allowed=Expect(None, 200, contains=(HOTEL, "Signatory in good standing: yes"),
                            absent=(FOCAL_NAME, FOCAL_PHONE, FOCAL_EMAIL, FINDINGS)),
             denied=(Expect(None, 405, why="a search, never a write"),
                     Expect("researcher", 405, absent=(FOCAL_NAME,))),
             extra={"denied_method": "POST"}),
]

"""Demo signatories of the tourism Code of Conduct (called by core/demo.py).

Deterministic: the same establishments, focal points, trainings and reviews every time, dated
relative to today so that each standing appears once in the demo — in good standing, review
overdue, major finding open, suspended, withdrawn. Everything goes through the services (audited).
The North 24 Parganas NGO (ngo.n24p) keeps a West Bengal register (Darjeeling, Kolkata); the
UNODC programme office (me.officer) keeps the hotels and guest houses along the India–Nepal route
(Jhapa, Chitwan) and a Goa resort. All names and numbers are invented.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

# username, name, kind, town, district, registration number, pledged (days ago),
# focal points (name, job title, phone, email), trainings (days ago, staff),
# reviews (days ago, outcome, findings, follow-up in days from the review), state change (action, reason)
SIGNATORIES: list[tuple[Any, ...]] = [
    ("ngo.n24p", "Hotel Kanchenjunga View", "hotel", "Darjeeling", "IN-WB-DARJ", "WB-DJ-HTL-0417", 900,
     [("Pemba Sherpa", "Front office manager", "+91 94340 11021", "frontoffice@kanchenjungaview.example"),
      ("Anita Chettri", "Housekeeping supervisor", "+91 94340 11022", "")],
     [(800, 24), (300, 11)], [(460, "compliant", "", None), (90, "compliant", "", None)], None),
    ("ngo.n24p", "Himalayan Trails Tour Company", "tour_operator", "Siliguri", "IN-WB-DARJ", "", 1200,
     [("Rajesh Thapa", "Operations head", "+91 94341 22001", "ops@himalayantrails.example")],
     [(1100, 9)], [(430, "minor", "Guides had not been briefed on the Code; briefing planned.", 60)], None),
    ("ngo.n24p", "Park Street Residency", "hotel", "Kolkata", "IN-WB-KOLK", "KMC-TL-2291", 700,
     [("Sudipta Banerjee", "General manager", "+91 98310 45500", "gm@parkstreetresidency.example"),
      ("Farida Begum", "Night manager", "+91 98310 45501", "")],
     [(650, 30)],
     [(400, "compliant", "", None),
      (60, "major", "Minors checked in with unrelated adults without identity checks on two nights.", 90)], None),
    ("ngo.n24p", "Howrah Express Travels", "travel_agent", "Kolkata", "IN-WB-KOLK", "", 500,
     [("Bikash Saha", "Proprietor", "+91 98300 77110", "")], [],
     [(120, "major", "Sold bus tickets for a group of girls to an unlicensed placement agent.", 30)],
     ("suspend", "Major finding: tickets sold to an unlicensed placement agent. Suspended until the follow-up.")),
    ("ngo.n24p", "Sealdah Guest House", "guest_house", "Kolkata", "IN-WB-KOLK", "", 60,
     [("Tapan Ghosh", "Owner", "+91 98301 12012", "sealdahgh@example.org")], [(30, 6)], [], None),
    ("me.officer", "Sauraha Jungle Lodge", "hotel", "Sauraha", "NP-P3-CHIT", "NTB-CH-0832", 1000,
     [("Sita Gurung", "Guest relations", "+977 56 580 111", "guest@saurahalodge.example"),
      ("Ram Bahadur Tamang", "Naturalist team lead", "+977 56 580 112", "")],
     [(950, 18), (200, 12)], [(500, "compliant", "", None), (150, "compliant", "", None)], None),
    ("me.officer", "Kakarbhitta Border Guest House", "guest_house", "Kakarbhitta", "NP-P1-JHAP", "", 800,
     [("Dil Kumari Limbu", "Manager", "+977 23 562 020", "")], [(700, 5)],
     [(100, "minor", "Register of guests incomplete for two days; corrected on the spot.", None)], None),
    ("me.officer", "Mechi Tourist Transport", "transport", "Kakarbhitta", "NP-P1-JHAP", "", 1500,
     [("Hari Prasad Koirala", "Dispatcher", "+977 23 562 777", "")], [], [(1000, "compliant", "", None)],
     ("withdraw", "The company closed its Kakarbhitta office.")),
    ("me.officer", "Calangute Beach Resort", "hotel", "Calangute", "IN-GA-NGOA", "GOA-TRS-1180", 1300,
     [("Joanna Fernandes", "HR manager", "+91 98220 33440", "hr@calangutebeach.example"),
      ("Vikram Naik", "Security chief", "+91 98220 33441", "")],
     [(1200, 40), (250, 35)], [(700, "compliant", "", None), (200, "compliant", "", None)], None),
]


def seed_tourism(result) -> int:
    """Enter the demo register once (skipped when any signatory exists or the demo users are
    missing). Returns how many signatories were entered; also adds it to
    ``result.tourism_signatories`` when the result has that counter."""
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Jurisdiction

    from . import services
    from .models import Signatory

    if Signatory.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in={row[0] for row in SIGNATORIES})}
    places = {j.code: j for j in Jurisdiction.objects.filter(code__in={row[4] for row in SIGNATORIES})}
    if len(users) < 2 or len(places) < len({row[4] for row in SIGNATORIES}):
        return 0
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    n = 0
    with transaction.atomic():
        for (username, name, kind, town, district, number, pledged, points, trainings, reviews,
             change) in SIGNATORIES:
            actor = users[username]
            signatory = services.register_signatory(actor=actor, name=name, kind=kind, town=town,
                                                    jurisdiction=places[district], registration_number=number,
                                                    pledged_on=ago(pledged))
            for person, role, phone, email in points:
                services.add_focal_point(actor=actor, signatory=signatory, name=person, role=role, phone=phone,
                                         email=email, started_on=ago(pledged))
            for days, staff in trainings:
                services.record_training(actor=actor, signatory=signatory, held_on=ago(days), staff_trained=staff,
                                         topic="The Code of Conduct: spotting and reporting trafficking")
            for days, outcome, findings, follow_up in reviews:
                services.record_review(actor=actor, signatory=signatory, reviewed_on=ago(days), outcome=outcome,
                                       findings=findings,
                                       follow_up_due=ago(days) + datetime.timedelta(days=follow_up)
                                       if follow_up else None)
            if change is not None:
                signatory.refresh_from_db()
                services.change_state(actor=actor, signatory=signatory, expected_version=signatory.version,
                                      action=change[0], reason=change[1])
            n += 1
    if hasattr(result, "tourism_signatories"):
        result.tourism_signatories += n
    return n

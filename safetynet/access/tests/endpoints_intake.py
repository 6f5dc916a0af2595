"""Endpoint table rows: SMS / hotline webhook, OpenRosa (ODK / KoboToolbox), dead letters.

Same contract as test_endpoints.py (which imports this list): an allowed and a denied
expectation for every named URL. ``{tip_ref}``, ``{tip_id}``, ``{tip_text}`` and
``{reporter_phone}`` name the context's border tip (Ctx.tip).

The machine endpoints authenticate by header (an HMAC signature, HTTP Basic), not by a
session: their rows are PUBLIC (anonymous client) and carry ``extra["headers"]`` for the
allowed request and ``extra["denied_headers"]`` for the refused one; the SMS row sends a raw
JSON body (``extra["content_type"]``) because the signature covers the exact bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .test_endpoints import ADMIN, API, PAGE, PUBLIC, Endpoint, Expect  # noqa: F401

SMS_TEXT = "TIP N24P JOB agent at Bongaon bus stand offering hotel jobs, call 98300 66666"
SMS_BODY = json.dumps({"id": "endpoint-table-1", "from": "+91 98300 12121", "text": SMS_TEXT,
                       "received_at": "2026-01-15T10:00:00+05:30"}).encode()
ODK_XML = (b"<?xml version='1.0' ?><data id=\"htcds_xlsform\"><vic_TypeOfExploitation>ForcedLabour"
           b"</vic_TypeOfExploitation><vic_LocationOfExploitation>Bongaon, North 24 Parganas"
           b"</vic_LocationOfExploitation><cas_IncomingReferralDetails>Boys at a zari unit behind the market"
           b"</cas_IncomingReferralDetails><meta><instanceID>uuid:endpoint-table-1</instanceID></meta></data>")


def _signed(c) -> dict:
    name, _sep, secret = settings.SAFETYNET_INTAKE_SECRETS.split(",")[0].partition(":")
    digest = hmac.new(secret.encode(), SMS_BODY, hashlib.sha256).hexdigest()
    return {"X-SafetyNet-Source": name, "X-SafetyNet-Signature": f"sha256={digest}"}


def _unsigned(c) -> dict:
    return {"X-SafetyNet-Source": "gateway"}


def _basic(password: str):
    token = base64.b64encode(f"reporter.kish:{password}".encode()).decode()
    return lambda c: {"Authorization": f"Basic {token}"}


REPORTER = _basic("safetynet-demo-2026")
WRONG_PASSWORD = _basic("not-the-password")


def _odk(c) -> dict:
    return {"xml_submission_file": SimpleUploadedFile("submission.xml", ODK_XML, content_type="text/xml")}


def _letter(c) -> None:
    """A refused SMS waiting for an administrator (its cause since fixed: the payload parses now)."""
    from safetynet.tips.intake_sms import stored_content_type
    from safetynet.tips.services import keep_dead_letter

    body = json.dumps({"id": "endpoint-table-2", "from": "+91 98300 34343",
                       "text": "TIP N24P HELD girls kept in a lodge near the station"}).encode()
    c.letter = keep_dead_letter(channel="sms", reason="Endpoint table: refused before the district was added.",
                                body=body, content_type=stored_content_type("application/json", "gateway"))
    c.values.update({"letter_reason": c.letter.reason, "letter_phone": "98300 34343"})


def _letter_url(name):
    return lambda c: reverse(name, args=[c.letter.public_id])


NO_LETTER_DATA = ("{letter_phone}", "girls kept in a lodge")

ENDPOINTS: list[Endpoint] = [
    Endpoint("intake:sms", "POST", PUBLIC, lambda c: reverse("intake:sms"), data=lambda c: SMS_BODY,
             allowed=Expect(None, 201, contains=('"reference": "TIP-N24P-', '"receipt"'),
                            absent=("agent", "98300")),
             denied=(Expect(None, 401, contains=("signature",), absent=("agent", "98300"),
                            why="unsigned: refused, and nothing is kept"),),
             extra={"content_type": "application/json", "headers": _signed, "denied_headers": _unsigned}),
    Endpoint("intake:openrosa-formlist", "GET", PUBLIC, lambda c: reverse("intake:openrosa-formlist"),
             allowed=Expect(None, 200, contains=("<formID>htcds_xlsform</formID>",)),
             denied=(Expect(None, 401, absent=("htcds_xlsform",), why="wrong password"),),
             extra={"headers": REPORTER, "denied_headers": WRONG_PASSWORD}),
    Endpoint("intake:openrosa-submission", "HEAD", PUBLIC, lambda c: reverse("intake:openrosa-submission"),
             allowed=Expect(None, 204),
             denied=(Expect(None, 401, why="wrong password: ODK is challenged for Basic credentials"),),
             extra={"headers": REPORTER, "denied_headers": WRONG_PASSWORD}),
    Endpoint("intake:openrosa-submission", "POST", PUBLIC, lambda c: reverse("intake:openrosa-submission"),
             data=_odk,
             allowed=Expect(None, 201, contains=("OpenRosaResponse", "TIP-N24P-"), absent=("zari",)),
             denied=(Expect(None, 401, absent=("TIP-N24P-", "zari"), why="wrong password: nothing stored"),),
             extra={"headers": REPORTER, "denied_headers": WRONG_PASSWORD}),
    Endpoint("intake:dead-letters", "GET", PAGE, lambda c: reverse("intake:dead-letters"), setup=_letter,
             allowed=Expect("admin", 200, contains=("{letter_reason}",), absent=NO_LETTER_DATA),
             denied=(Expect("ahtu_n24p", 404, absent=("{letter_reason}",), why="no intake.manage"),
                     Expect("researcher", 404), Expect("outsider", 404))),
    Endpoint("intake:dead-letter-retry", "POST", PAGE, _letter_url("intake:dead-letter-retry"), setup=_letter,
             data=lambda c: {},
             allowed=Expect("admin", 302, location="/intake/dead-letters/$"),
             denied=(Expect("ahtu_n24p", 404, why="no intake.manage: the letter is not found"),
                     Expect("outsider", 404))),
    Endpoint("intake:dead-letter-discard", "POST", PAGE, _letter_url("intake:dead-letter-discard"), setup=_letter,
             data=lambda c: {},
             allowed=Expect("admin", 302, location="/intake/dead-letters/$"),
             denied=(Expect("ahtu_n24p", 404, why="no intake.manage: the letter is not found"),
                     Expect("outsider", 404))),
]

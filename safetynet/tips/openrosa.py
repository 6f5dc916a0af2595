"""ODK Collect / KoboToolbox / Enketo: the OpenRosa 1.0 form list and submission API.

Field workers fill the IOM HTCDS 2.0 form (``htcds_xlsform``) and send it here with HTTP
Basic authentication as a SafetyNet user holding ``tip.submit`` (a community reporter or
vigilance member account). Point the client's server URL at ``https://<host>/intake/openrosa``:
it lists forms at ``…/formList`` and sends to ``…/submission``. Each submission becomes a
tip (channel "odk"); ``meta/instanceID`` keeps a resubmission from making a copy. How the
HTCDS fields map onto a tip is in docs/intake.md and in the tables below.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from safetynet.access import policy
from safetynet.access.querysets import memberships_with
from safetynet.accounts.middleware import needs_second_factor

from . import services
from .intake import IntakeError, Parsed, Places, choose_place, reason_from
from .models import Tip
from .services import MAX_TEXT, TipInput

OPENROSA_NS = "http://openrosa.org/http/response"
MAX_SUBMISSION = 10 * 1024 * 1024
REALM = 'Basic realm="SafetyNet", charset="UTF-8"'

# The form this endpoint lists: the IOM HTCDS 2.0 XForm, pinned to the commit
# ../shared/data/htcds/SOURCE.md names (the hash is of that exact file).
FORM_ID = "htcds_xlsform"
FORM_VERSION = "vSmt4GQA3C9uBMLPEVfgND"
FORM_NAME = "HTCDS 2.0 (IOM) — SafetyNet"
FORM_MD5 = "dc29b0636e66efdabed6042b72a69bad"
FORM_URL = ("https://raw.githubusercontent.com/UNMigration/HTCDS/3c2f6537cd76c3305975aa5eef7a1bf26fe20a30/"
            "Toolkit/Survey/htcds_xlsform.xml")

# vic_TypeOfExploitation (select_multiple) -> tip category. Several ticked: the first of
# CATEGORY_ORDER wins (the most urgent); every ticked type is listed in the description.
EXPLOITATION_CATEGORY: dict[str, str] = {
    "SexualExploitation": Tip.Category.HELD,
    "ForcedLabour": Tip.Category.HELD,
    "Servitude": Tip.Category.HELD,
    "ForcedBegging": Tip.Category.HELD,
    "ChildLabour": Tip.Category.CHILD_LABOUR,
    "ForcedMarriage": Tip.Category.MARRIAGE,
    "ForcedMilitaryByNonStateActors": Tip.Category.OTHER,
    "OrganRemoval": Tip.Category.OTHER,
    "ForcedAdoption": Tip.Category.OTHER,
    "Surrogacy": Tip.Category.OTHER,
    "Other": Tip.Category.OTHER,
}
CATEGORY_ORDER = (Tip.Category.HELD, Tip.Category.CHILD_LABOUR, Tip.Category.MARRIAGE, Tip.Category.RECRUITMENT,
                  Tip.Category.OTHER)

# Fields that describe what happened, in the order a triaging officer reads them.
DESCRIPTION_FIELDS = (
    ("vic_TypeOfExploitation", "Type of exploitation"),
    ("vic_ForcedLabourIndustry", "Forced labour industry"),
    ("vic_TypeOfSexExploitation", "Type of sex exploitation"),
    ("vic_MethodOfRecruitment", "Method of recruitment"),
    ("vic_Methods_of_Control", "Methods of control"),
    ("vic_TraffickingStatus", "Trafficking status"),
    ("vic_TraffickingStatusDecisionMakingOrg", "Status decided by"),
    ("cas_Status", "Case status"),
    ("cas_ReferringOrganisation", "Referring organisation"),
    ("cas_ReferringPrimaryCaseWorker", "Referring case worker"),
    ("cas_IncomingReferralDate", "Referral date"),
    ("cas_ReasonForIncomingReferral", "Reason for referral"),
    ("cas_IncomingReferralDetails", "Referral details"),
)
CHOICE_FIELDS = frozenset({"vic_TypeOfExploitation", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
                           "vic_MethodOfRecruitment", "vic_Methods_of_Control", "vic_TraffickingStatus",
                           "vic_TraffickingStatusDecisionMakingOrg", "cas_Status"})
HTCDS_PREFIXES = ("vic_", "prs_", "cas_")


def openrosa_headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = "1.0"
    response["X-OpenRosa-Accept-Content-Length"] = str(max_bytes())
    return response


def max_bytes() -> int:
    """10 MB, or less when the site refuses smaller bodies (ODK then splits attachments)."""
    return min(MAX_SUBMISSION, settings.SAFETYNET_MAX_REQUEST_BYTES)


def openrosa_response(message: str, status: int) -> HttpResponse:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="{OPENROSA_NS}">'
            f"<message>{escape(message)}</message></OpenRosaResponse>")
    response = openrosa_headers(HttpResponse(body, status=status, content_type="text/xml; charset=utf-8"))
    if status == 401:
        response["WWW-Authenticate"] = REALM
    return response


# --------------------------------------------------------------------------- authentication


def basic_auth_user(request: HttpRequest):
    """The user named in a Basic Authorization header, if the password is right, the account
    may submit tips and signs in with a password alone (no account that must use a second
    factor gets in through Basic authentication). Failures count towards the lockout."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        username, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not sep or not username:
        return None
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    if not memberships_with(user, policy.Cap.TIP_SUBMIT) or needs_second_factor(user):
        return None
    return user


def _refused(request: HttpRequest) -> HttpResponse:
    response = openrosa_response(_("Sign in with a SafetyNet account that may submit reports."), 401)
    if request.method == "HEAD":
        response.content = b""
    return response


# --------------------------------------------------------------------------- parsing


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _values(root) -> dict[str, str]:
    """Leaf values by field name, whatever the groups and namespaces (first one wins)."""
    out: dict[str, str] = {}
    for element in root.iter():
        if len(element) == 0 and isinstance(element.tag, str):
            out.setdefault(_local(element.tag), (element.text or "").strip())
    return out


def label(value: str) -> str:
    """A choice value as words: "DebtBondage" -> "Debt bondage", "C_Manufacturing" -> "Manufacturing"."""
    value = re.sub(r"^[A-Z]_", "", value)
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\b)|[A-Z]?[a-z]+|\d+", value) or [value]
    text = " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in words)  # NGO stays NGO
    return text[:1].upper() + text[1:]


def _choices(value: str) -> list[str]:
    return [v for v in value.split() if v]


def _category(values: dict[str, str]) -> str:
    ticked = _choices(values.get("vic_TypeOfExploitation", ""))
    found = {EXPLOITATION_CATEGORY.get(v, Tip.Category.OTHER) for v in ticked}
    if not found and values.get("vic_MethodOfRecruitment"):
        found = {Tip.Category.RECRUITMENT}
    return next((c for c in CATEGORY_ORDER if c in found), Tip.Category.OTHER)


def _place(values: dict[str, str], places: Places):
    """Where it happened: the place of exploitation, else of recruitment, else the person's home
    (city / state, with the country to tell same-named districts apart)."""
    home = [values.get(k, "") for k in ("prs_MailingCity", "prs_MailingState", "prs_MailingCountry")]
    for texts in ([values.get("vic_LocationOfExploitation", "")], [values.get("vic_LocationOfRecruitment", "")],
                  home):
        groups = []
        for text in texts:
            for part in re.split(r"[,;/\n]+", text):
                if part.strip():
                    groups.append(places.lookup(part) or [p for hits in places.ngrams(part) for p in hits])
        place = choose_place(groups, places)
        if place is not None:
            return place
    return None


def _age(birthdate: str, today: datetime.date) -> int | None:
    try:
        born = parse_date(birthdate)
    except ValueError:
        return None
    if born is None or born > today:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _moment(value: str) -> datetime.datetime | None:
    try:
        moment = parse_datetime(value) if value else None
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(moment, timezone.now())


def _people(values: dict[str, str], consent: bool) -> tuple[str, str]:
    """The person the form is about: (people text, their phones). Names, phones and the home
    town only with recorded consent; street, postal code, e-mail and birth date never (the age
    is kept instead)."""
    parts = []
    if consent:
        name = " ".join(values.get(k, "") for k in ("prs_First_Name", "prs_Second_Name")).strip()
        if name:
            parts.append(name)
    if values.get("prs_Gender"):
        parts.append(label(values["prs_Gender"]))
    age = _age(values.get("prs_Birthdate", ""), timezone.localdate())
    if age is not None:
        parts.append(f"age {age}")
    if values.get("prs_Citizenship"):
        parts.append(f"citizenship {values['prs_Citizenship']}")
    people = ", ".join(parts)
    if consent:
        home = ", ".join(v for v in (values.get(k, "") for k in ("prs_MailingCity", "prs_MailingState",
                                                                   "prs_MailingCountry")) if v)
        if home:
            people += f"; home: {home}" if people else f"home: {home}"
    phones = "\n".join(v for v in (values.get("prs_MobilePhone", ""), values.get("prs_HomePhone", ""))
                       if v) if consent else ""
    return people, phones


def _description(values: dict[str, str]) -> str:
    lines = []
    for name, title in DESCRIPTION_FIELDS:
        value = values.get(name, "")
        if value:
            shown = ", ".join(label(v) for v in _choices(value)) if name in CHOICE_FIELDS else value
            lines.append(f"{title}: {shown}")
    edited = values.get("deprecatedID", "")
    if edited:
        earlier = Tip.objects.filter(idempotency_key=_key(edited)).values_list("reference", flat=True).first()
        lines.append(f"Edited in ODK: replaces {earlier or 'an earlier submission'}.")
    text = "\n".join(lines)
    if len(text) > MAX_TEXT:
        note = f"\n[shortened: the form's text was {len(text)} characters]"
        text = text[:MAX_TEXT - len(note)] + note
    return text


def _key(instance_id: str) -> str:
    key = f"odk:{instance_id}"
    return key if len(key) <= 80 else f"odk:#{hashlib.sha256(instance_id.encode()).hexdigest()}"[:80]


def parse_submission(xml: bytes) -> Parsed:
    """An HTCDS submission (the instance XML ODK sends) -> what submit_tip needs."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise IntakeError(_("The submission declares a DTD or entities; such XML is refused."), status=400) from None
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise IntakeError(_("The submission is not well-formed XML (line %(line)s, column %(column)s).")
                          % {"line": line, "column": column}, status=400) from None
    values = _values(root)
    instance_id = values.get("instanceID", "")
    if not instance_id:
        raise IntakeError(_("The submission has no meta/instanceID."))
    if not any(name.startswith(HTCDS_PREFIXES) for name in values):
        raise IntakeError(_("This is not an HTCDS submission (no vic_, prs_ or cas_ fields)."))
    places = Places()
    place = _place(values, places)
    if place is None:
        raise IntakeError(_("The location of exploitation, of recruitment or the home address does not name a "
                            "known district or jurisdiction."))
    consent = values.get("con_Consent", "").strip().upper() == "TRUE"
    people, phones = _people(values, consent)
    where = [f"{title}: {values[name]}" for name, title in (("vic_LocationOfExploitation", "Exploitation"),
                                                             ("vic_LocationOfRecruitment", "Recruitment"))
             if values.get(name)]
    data = TipInput(category=_category(values), jurisdiction_code=place.code, place="\n".join(where),
                    description=_description(values), people=people, phones=phones,
                    seen_at=_moment(values.get("end", "") or values.get("start", "")))
    return Parsed(channel=Tip.Channel.ODK, data=data, idempotency_key=_key(instance_id))


def parse_stored(body: bytes, content_type: str) -> Parsed:
    """A dead letter's payload (the submission XML), for a retry."""
    if content_type.split(";")[0].strip().lower() != "text/xml":
        raise IntakeError(_("No submission XML was received, so there is nothing to retry."))
    return parse_submission(body)


# --------------------------------------------------------------------------- views


@csrf_exempt
def form_list(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = openrosa_response(_("Only GET is accepted here."), 405)
        response["Allow"] = "GET, HEAD"
        return response
    if basic_auth_user(request) is None:
        return _refused(request)
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="http://openrosa.org/xforms/xformsList">'
            f"<xform><formID>{FORM_ID}</formID><name>{escape(FORM_NAME)}</name><version>{FORM_VERSION}</version>"
            f"<hash>md5:{FORM_MD5}</hash><downloadUrl>{escape(FORM_URL)}</downloadUrl></xform></xforms>")
    return openrosa_headers(HttpResponse(body, content_type="text/xml; charset=utf-8"))


@csrf_exempt
def submission(request: HttpRequest) -> HttpResponse:
    if request.method not in ("HEAD", "POST"):
        response = openrosa_response(_("Only HEAD and POST are accepted here."), 405)
        response["Allow"] = "HEAD, POST"
        return response
    user = basic_auth_user(request)
    if user is None:
        return _refused(request)
    if request.method == "HEAD":
        return openrosa_headers(HttpResponse(status=204))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes():
        return openrosa_response(_("The submission is too large."), 413)
    try:
        upload = request.FILES.get("xml_submission_file")
    except RequestDataTooBig:
        return openrosa_response(_("The submission is too large."), 413)
    except MultiPartParserError:
        upload = None
    if upload is None:
        reason = _("No xml_submission_file part in a multipart/form-data body.")
        services.keep_dead_letter(channel=Tip.Channel.ODK, reason=reason, body=b"",
                                  content_type=request.content_type or "")
        return openrosa_response(reason, 400)
    xml = upload.read()
    try:
        parsed = parse_submission(xml)
        tip, receipt, created = services.submit_tip(actor=user, channel=Tip.Channel.ODK, data=parsed.data,
                                                    idempotency_key=parsed.idempotency_key)
    except (IntakeError, ValidationError) as exc:
        reason, status = (exc.message, exc.status) if isinstance(exc, IntakeError) else (reason_from(exc), 422)
        services.keep_dead_letter(channel=Tip.Channel.ODK, reason=reason, body=xml, content_type="text/xml")
        return openrosa_response(_("Not accepted: %(reason)s It was kept for an administrator.")
                                 % {"reason": reason}, status)
    if created:
        message = _("Received as %(ref)s. Receipt code: %(receipt)s.")
    else:
        message = _("Already received as %(ref)s. Receipt code: %(receipt)s.")
    # 201 for a new tip, 202 for a resubmission: ODK Collect counts both as sent.
    return openrosa_response(message % {"ref": tip, "receipt": receipt}, 201 if created else 202)

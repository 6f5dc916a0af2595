"""SMS gateways and the hotline's call-logging tool: ``POST /intake/sms/``.

The body (JSON, or a form with the same keys) is signed with a shared secret per source:
``X-SafetyNet-Source: <name>`` and ``X-SafetyNet-Signature: sha256=<hex HMAC-SHA256 of the
raw body>``; the secrets are ``settings.SAFETYNET_INTAKE_SECRETS`` ("name:secret,...").
Anything unsigned is refused (401) and nothing of it is kept. A signed message that cannot
be read is answered 422 and kept as a dead letter. The message text has the form
``TIP <place> <category> [NOW] <what was seen>``; see docs/intake.md.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import indicators, services
from .intake import IntakeError, Parsed, Places, choose_place, reason_from
from .models import Tip
from .services import TipInput

MAX_BODY = 16 * 1024
MAX_PLACE_WORDS = 4  # "North 24 Parganas" is three

# Category words: English and transliterated Hindi / Bengali, and the same words in their own script.
_WORDS: dict[str, str] = {
    **dict.fromkeys(("JOB", "KAAM", "KAM", "KAJ", "काम", "কাজ"), Tip.Category.RECRUITMENT),
    **dict.fromkeys(("MARRIAGE", "SHADI", "SHAADI", "BIYE", "शादी", "বিয়ে"), Tip.Category.MARRIAGE),
    **dict.fromkeys(("BORDER", "SIMANA", "सीमा", "সীমানা"), Tip.Category.BORDER),
    **dict.fromkeys(("CHILD", "BAL", "SHISHU", "बाल", "শিশু"), Tip.Category.CHILD_LABOUR),
    **dict.fromkeys(("MISSING", "LAPATA", "LAAPATA", "NIKHOJ", "लापता", "নিখোঁজ"), Tip.Category.MISSING),
    **dict.fromkeys(("HELD", "BANDI", "बंदी", "বন্দী"), Tip.Category.HELD),
    "OTHER": Tip.Category.OTHER,
}
# Phones type some Bengali letters precomposed (য় as U+09DF) and some decomposed: compare in NFC.
CATEGORY_WORDS = {unicodedata.normalize("NFC", word): category for word, category in _WORDS.items()}
NOW_WORDS = frozenset(unicodedata.normalize("NFC", w) for w in ("NOW", "ABHI", "EKHON", "अभी", "এখন"))
_TOKEN = re.compile(r"\S+")


def _word(token: str) -> str:
    return unicodedata.normalize("NFC", token.strip(".,;:!?-–—()")).upper()


# --------------------------------------------------------------------------- signature


def shared_secrets() -> dict[str, str]:
    out = {}
    for item in (getattr(settings, "SAFETYNET_INTAKE_SECRETS", "") or "").split(","):
        name, sep, secret = item.partition(":")
        if sep and name.strip() and secret.strip():
            out[name.strip()] = secret.strip()
    return out


def sign(body: bytes, secret: str) -> str:
    """The X-SafetyNet-Signature value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(source: str, signature: str, body: bytes) -> bool:
    secret = shared_secrets().get(source)
    # Computed for unknown sources too, so timing does not tell which names exist.
    expected = sign(body, secret or "unknown-source")
    given = (signature or "").strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")) and secret is not None


# --------------------------------------------------------------------------- parsing


def _media_type(content_type: str) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _fields(body: bytes, content_type: str) -> dict:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise IntakeError(_("The body is not UTF-8 text.")) from None
    if _media_type(content_type) == "application/x-www-form-urlencoded":
        form = QueryDict(text, encoding="utf-8")
        return {key: form.get(key) for key in form}
    try:
        data = json.loads(text)
    except ValueError:
        raise IntakeError(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise IntakeError(_("The body must be a JSON object with id, from, text and received_at."))
    return data


def _seen_at(value) -> datetime.datetime | None:
    """The gateway's receiving time, if it is a readable ISO 8601 time (never in the future)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        moment = None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(moment, timezone.now())


def parse_text(text: str, places: Places | None = None) -> tuple[str, str, bool, str]:
    """``TIP <place> <category> [NOW] <free text>`` -> (jurisdiction code, category, now, free text).

    The place may be several words ("North 24 Parganas"): the longest run of words after TIP
    that names a place *and* is followed by a category word is taken.
    """
    tokens = list(_TOKEN.finditer(text or ""))
    if not tokens or _word(tokens[0].group()) != "TIP":
        raise IntakeError(_("The message must start with TIP, then the place, the category and what was seen."))
    words = [_word(t.group()) for t in tokens[1:]]
    if not words:
        raise IntakeError(_("After TIP, give the place, the category and what was seen."))
    places = places or Places()
    named_place = False
    for size in range(min(MAX_PLACE_WORDS, len(words)), 0, -1):
        candidates = places.lookup(" ".join(t.group() for t in tokens[1:1 + size]))
        if not candidates:
            continue
        named_place = True
        category = CATEGORY_WORDS.get(words[size]) if size < len(words) else None
        if category is None:
            continue
        place = choose_place([candidates], places, below_state=False)
        assert place is not None
        rest = 1 + size + 1
        now = rest < len(tokens) and _word(tokens[rest].group()) in NOW_WORDS
        if now:
            rest += 1
        free = text[tokens[rest].start():].strip() if rest < len(tokens) else ""
        return place.code, category, now, free
    if named_place:
        raise IntakeError(_("The word after the place is not a category: use JOB, MARRIAGE, BORDER, CHILD, "
                            "MISSING, HELD or OTHER (or KAAM/KAJ, SHADI/BIYE, SIMANA, BAL/SHISHU, "
                            "LAPATA/NIKHOJ, BANDI)."))
    raise IntakeError(_("The place after TIP is not a known district or jurisdiction code (for example N24P, "
                        "IN-WB-N24P or North 24 Parganas)."))


def _key(source: str, message_id, body: bytes) -> str:
    """``sms:<source>:<gateway id>``: a retried delivery finds the first tip instead of making a copy."""
    if message_id not in (None, ""):
        key = f"sms:{source}:{message_id}"
        if len(key) <= 80:
            return key
        return f"sms:{source}:#{hashlib.sha256(str(message_id).encode()).hexdigest()[:40]}"[:80]
    # No id from the gateway: the same body delivered twice is still the same message.
    return f"sms:{source}:body:{hashlib.sha256(body).hexdigest()[:40]}"[:80]


def channel_of(body: bytes, content_type: str) -> str:
    """SMS, or hotline when the body says so (best effort: also for bodies that cannot be read)."""
    try:
        return Tip.Channel.HOTLINE if str(_fields(body, content_type).get("channel", "")).strip().lower() \
            == "hotline" else Tip.Channel.SMS
    except IntakeError:
        return Tip.Channel.SMS


def parse(body: bytes, content_type: str, source: str) -> Parsed:
    fields = _fields(body, content_type)
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IntakeError(_("The message has no text."))
    code, category, now, free = parse_text(text)
    sender = fields.get("from")
    reporter = {}
    if isinstance(sender, str) and indicators.normalise_phone(sender):
        reporter = {"phone": sender.strip()}  # identity data: encrypted by submit_tip, never echoed
    message_id = fields.get("id")
    if isinstance(message_id, dict | list | bool):
        raise IntakeError(_("The message id must be a string or a number."))
    data = TipInput(category=category, jurisdiction_code=code, description=free, happening_now=now,
                    seen_at=_seen_at(fields.get("received_at")), reporter=reporter)
    return Parsed(channel=channel_of(body, content_type), data=data,
                  idempotency_key=_key(source, message_id, body))


# The source is kept beside the content type of a dead letter, so a retry rebuilds the same
# idempotency key as the gateway's own retry would: "application/json; source=gateway".
_SOURCE_PARAM = re.compile(r";\s*source=([^;\s]+)")


def stored_content_type(content_type: str, source: str) -> str:
    return f"{_media_type(content_type) or 'application/json'}; source={source}"


def parse_stored(body: bytes, content_type: str) -> Parsed:
    """A dead letter's payload, for a retry."""
    match = _SOURCE_PARAM.search(content_type or "")
    if not match:
        raise IntakeError(_("The gateway that sent this is not recorded."))
    return parse(body, content_type, match.group(1))


# --------------------------------------------------------------------------- the view


def _error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
def sms_webhook(request: HttpRequest):
    if request.method != "POST":
        response = _error(_("Only POST is accepted here."), 405)
        response["Allow"] = "POST"
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return _error(_("The body is larger than %(n)s bytes.") % {"n": MAX_BODY}, 413)
    body = request.body
    if len(body) > MAX_BODY:
        return _error(_("The body is larger than %(n)s bytes.") % {"n": MAX_BODY}, 413)
    source = request.headers.get("X-SafetyNet-Source", "").strip()
    if not signature_ok(source, request.headers.get("X-SafetyNet-Signature", ""), body):
        return _error(_("Missing or wrong signature. Nothing was stored."), 401)
    content_type = request.content_type or ""
    try:
        parsed = parse(body, content_type, source)
        tip, receipt, created = services.submit_tip(actor=None, channel=parsed.channel, data=parsed.data,
                                                    idempotency_key=parsed.idempotency_key)
    except (IntakeError, ValidationError) as exc:
        reason = exc.message if isinstance(exc, IntakeError) else reason_from(exc)
        letter = services.keep_dead_letter(channel=channel_of(body, content_type), reason=reason, body=body,
                                           content_type=stored_content_type(content_type, source))
        return _error(reason, 422, dead_letter=str(letter.public_id))
    return JsonResponse({"reference": tip.reference, "receipt": receipt}, status=201 if created else 200)

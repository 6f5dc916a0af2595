"""Machine intake: what the SMS / hotline webhook (``intake_sms``) and the OpenRosa endpoint
(``openrosa``) share, and the dead-letter page.

A signed or authenticated submission that cannot become a tip is never dropped: it is kept
encrypted as a ``DeadLetter`` (``services.keep_dead_letter``). An administrator (capability
``intake.manage``) sees its channel, time, reason, size and state, never its content (it may
hold a reporter's phone number), fixes the cause (adds a place, a routing rule) and retries
it here: the stored payload goes through the same parser and ``submit_tip`` again.

Reasons are stored, audited and shown to the administrator, so they never quote the
submission: they name the field and the rule, not what the reporter wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safetynet.access import policy
from safetynet.access.querysets import memberships_with
from safetynet.agencies.models import Jurisdiction
from safetynet.audit.services import record

from . import services
from .models import DeadLetter, Tip
from .services import TipInput


class IntakeError(Exception):
    """A submission that cannot be turned into a tip (HTTP ``status``: 400 unreadable, 422 unmappable)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Parsed:
    """What a channel's parser made of one submission, ready for ``submit_tip``."""

    channel: str
    data: TipInput
    idempotency_key: str


def reason_from(exc: ValidationError) -> str:
    """One line for the dead letter and the reply, from submit_tip's field errors."""
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
    return " ".join(exc.messages)


# --------------------------------------------------------------------------- places

# Endings people add to or leave off a place's name ("Bongaon PS", "Petrapole border").
_SUFFIXES = ("police station", "border sector", "sector", "district", "thana", "zila", "zilla", "ps")
_PARENTHESES = re.compile(r"\([^)]*\)")
BELOW_STATE = (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.STATION, Jurisdiction.Level.BORDER_SECTOR)


def normalise(text: str) -> str:
    """Case, accents of composition, punctuation and spacing do not matter when matching names."""
    text = unicodedata.normalize("NFC", text or "").casefold().replace("–", "-").replace("—", "-")
    text = _PARENTHESES.sub(" ", text)
    # Punctuation and symbols go; letters, digits and the vowel signs of Indic scripts stay.
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" and ch != "-" else ch for ch in text)
    return " ".join(text.split())


def _base(name: str) -> str:
    words = name.split()
    for suffix in _SUFFIXES:
        tail = suffix.split()
        if len(words) > len(tail) and words[-len(tail):] == tail:
            return " ".join(words[:-len(tail)])
    return name


class Places:
    """Every jurisdiction by code, short code and name (English and local script), loaded once."""

    def __init__(self) -> None:
        self.by_code: dict[str, Jurisdiction] = {}
        self.by_short: dict[str, list[Jurisdiction]] = {}
        self.by_name: dict[str, list[Jurisdiction]] = {}
        for place in Jurisdiction.objects.select_related("parent"):
            self.by_code[place.code.casefold()] = place
            self.by_short.setdefault(place.short_code.casefold(), []).append(place)
            for name in {normalise(place.name), normalise(place.name_local)} - {""}:
                for key in {name, _base(name)}:
                    self.by_name.setdefault(key, []).append(place)

    def lookup(self, text: str, *, codes: bool = True) -> list[Jurisdiction]:
        """Places this text names: a full code wins; then short codes and names."""
        raw = (text or "").strip().strip(".,;:").casefold()
        if not raw:
            return []
        if codes and raw in self.by_code:
            return [self.by_code[raw]]
        found = list(self.by_short.get(raw, [])) if codes else []
        name = normalise(text)
        for key in {name, _base(name)}:
            found += self.by_name.get(key, [])
        unique = list({p.pk: p for p in found}.values())
        lower = [p for p in unique if p.level in BELOW_STATE]
        return lower or unique

    def ngrams(self, text: str, longest: int = 4) -> list[list[Jurisdiction]]:
        """Place names inside free text ("brick kiln near Bongaon"): names only, never short
        codes (BANK, CHIT and DHAN are short codes too)."""
        words = normalise(text).split()
        found = []
        for size in range(min(longest, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                hits = self.lookup(" ".join(words[start:start + size]), codes=False)
                if hits:
                    found.append(hits)
        return found


def _related(a: Jurisdiction, b: Jurisdiction) -> bool:
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def _common_ancestor(places: list[Jurisdiction]) -> str:
    paths = [p.path.strip("/").split("/") for p in places]
    common = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) + "/" if common else ""


def choose_place(groups: list[list[Jurisdiction]], places: Places, *, below_state: bool = True
                 ) -> Jurisdiction | None:
    """The most precise place named, from groups of candidates (one group per phrase).

    A candidate must agree with every other phrase that named something ("Aurangabad, Bihar"
    is the Bihar one). The deepest agreeing place wins ("Bongaon, North 24 Parganas" is the
    police station). Two places that disagree resolve to the district they share, if any.
    Raises IntakeError when the phrases name several places with nothing in common.
    """
    groups = [g for g in groups if g]
    if not groups:
        return None
    candidates = list({p.pk: p for g in groups for p in g}.values())
    if below_state:
        candidates = [p for p in candidates if p.level in BELOW_STATE]
        if not candidates:
            return None
    agreeing = [p for p in candidates if all(any(_related(p, other) for other in g) for g in groups)]
    pool = agreeing or candidates
    deepest = max(p.path.count("/") for p in pool)
    best = [p for p in pool if p.path.count("/") == deepest]
    if len(best) == 1:
        return best[0]
    shared = _common_ancestor(best)
    by_path = {p.path: p for p in places.by_code.values()}
    ancestor = by_path.get(shared)
    if ancestor is not None and ancestor.level in BELOW_STATE:
        return ancestor
    raise IntakeError(_("The place matches several jurisdictions (%(codes)s): send the full code.")
                      % {"codes": ", ".join(sorted(p.code for p in best))})


# --------------------------------------------------------------------------- dead letters


def _parser_for(letter: DeadLetter):
    from . import intake_sms, openrosa

    if letter.channel in (Tip.Channel.SMS, Tip.Channel.HOTLINE):
        return intake_sms.parse_stored
    if letter.channel == Tip.Channel.ODK:
        return openrosa.parse_stored
    raise ValidationError(_("Submissions from this channel cannot be retried here."))


def _require_manager(actor) -> None:
    if not memberships_with(actor, policy.Cap.INTAKE_MANAGE):
        raise PermissionDenied(_("Your role does not allow this."))


def retry_dead_letter(*, actor, letter: DeadLetter) -> Tip:
    """Run a kept submission through its channel's parser and submit_tip again.

    On success the letter is marked retried, linked to the tip and its payload is wiped (the
    content now lives in the tip, encrypted). On failure it stays waiting with the new reason.
    Either way the attempt is in the audit trail under the administrator's name. The tip
    itself is submitted by the channel (actor None), as on first arrival: an administrator
    holds no tip.submit.
    """
    _require_manager(actor)
    failure = ""
    with transaction.atomic():
        letter = DeadLetter.objects.select_for_update().get(pk=letter.pk)
        if letter.state != DeadLetter.State.WAITING:
            raise ValidationError(_("This submission was already handled (%(state)s).")
                                  % {"state": letter.get_state_display()})
        parse = _parser_for(letter)
        try:
            parsed = parse(letter.get_payload(), letter.content_type)
            tip, _receipt, created = services.submit_tip(actor=None, channel=parsed.channel, data=parsed.data,
                                                         idempotency_key=parsed.idempotency_key)
        except IntakeError as exc:
            failure = exc.message
        except ValidationError as exc:
            failure = reason_from(exc)
        if failure:
            DeadLetter.objects.filter(pk=letter.pk).update(reason=failure[:300])
            record(actor=actor, action="intake.retry", obj=letter,
                   changes={"channel": letter.channel, "result": "failed", "reason": failure[:300]})
        else:
            DeadLetter.objects.filter(pk=letter.pk).update(state=DeadLetter.State.RETRIED, tip=tip, payload_enc="")
            record(actor=actor, action="intake.retry", obj=letter,
                   changes={"channel": letter.channel, "result": "tip", "tip": tip.reference, "created": created})
    if failure:
        raise ValidationError(failure)
    return tip


def discard(*, actor, letter: DeadLetter) -> None:
    """Delete a waiting submission's content for good (the row and its audit trail stay)."""
    _require_manager(actor)
    if letter.state != DeadLetter.State.WAITING:
        raise ValidationError(_("This submission was already handled (%(state)s).")
                              % {"state": letter.get_state_display()})
    services.discard_dead_letter(actor=actor, letter=letter)


def _letter_for(user, public_id) -> DeadLetter:
    """404 for everybody without intake.manage, and for a letter that does not exist."""
    if not memberships_with(user, policy.Cap.INTAKE_MANAGE):
        raise Http404(_("Not found."))
    letter = DeadLetter.objects.filter(public_id=public_id).first()
    if letter is None:
        raise Http404(_("Not found."))
    return letter


@login_required
def dead_letter_list(request):
    if not memberships_with(request.user, policy.Cap.INTAKE_MANAGE):
        raise Http404(_("Not found."))
    letters = DeadLetter.objects.select_related("tip").order_by("-created_at", "-id")
    page = Paginator(letters, 50).get_page(request.GET.get("page"))
    waiting = DeadLetter.objects.filter(state=DeadLetter.State.WAITING).count()
    return render(request, "tips/dead_letters.html", {"page": page, "waiting": waiting})


@login_required
@require_POST
def dead_letter_retry(request, public_id):
    letter = _letter_for(request.user, public_id)
    try:
        tip = retry_dead_letter(actor=request.user, letter=letter)
    except ValidationError as exc:
        messages.error(request, _("Still refused: %(reason)s") % {"reason": " ".join(exc.messages)})
    else:
        messages.success(request, _("Processed: it is now tip %(ref)s.") % {"ref": tip})
    return redirect("intake:dead-letters")


@login_required
@require_POST
def dead_letter_discard(request, public_id):
    letter = _letter_for(request.user, public_id)
    try:
        discard(actor=request.user, letter=letter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Discarded. Its content was deleted."))
    return redirect("intake:dead-letters")

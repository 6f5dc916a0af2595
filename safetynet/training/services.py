"""All writes of the training app: trainees and their attendance, certificates, and the
knowledge-product library. Each validates everything first (a clear message per field,
nothing saved), writes in one transaction and leaves an audit event.

Trainees' names are stored plainly (named professionals, not victims) but never go into an
audit event, a log line or an exception that could be logged: the audit trail gets the
trainee's public id, category and attendance only.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.audit.services import record, record_many
from safetynet.core.models import StaleEdit, next_serial
from safetynet.core.services import acting_membership
from safetynet.matching.normalise import DROP
from safetynet.programmes.models import TrainingProgramme

from .models import (
    Category,
    KnowledgeFile,
    KnowledgeProduct,
    KnowledgeVersion,
    Language,
    Trainee,
    programme_days,
    programmes_visible_to,
)

MAX_TEXT = 200

# --------------------------------------------------------------------------- trainees


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return [w for w in re.split(r"[\s.,;:()'’\"-]+", text) if w]


def name_key(name: str) -> str:
    """A name as compared for "listed twice": case and spacing ignored, honorifics (Sri, Smt.,
    Md., Dr, Mr …: matching.normalise.DROP) left out. A name that is only honorifics keeps them."""
    words = _words(name)
    kept = [w for w in words if w not in DROP]
    return " ".join(kept or words)


def organisation_key(organisation: str) -> str:
    return " ".join(_words(organisation))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _membership_for(actor, programme: TrainingProgramme):
    """The membership through which ``actor`` manages this programme's trainees; a programme
    outside their scope is refused like one that does not exist (the views 404 before this)."""
    if not programmes_visible_to(actor).filter(pk=programme.pk).exists():
        raise PermissionDenied(_("Your role does not allow this for this programme."))
    return acting_membership(actor, policy.Cap.TRAINING_MANAGE, agency=programme.owning_agency)


def _check_trainee(programme, *, full_name, category, organisation, designation, sex, days_attended,
                   exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    if not (full_name or "").strip():
        errors["full_name"] = [_("Write the trainee's full name.")]
    elif len(full_name.strip()) > MAX_TEXT:
        errors["full_name"] = [_("This name is too long (at most %(n)s characters).") % {"n": MAX_TEXT}]
    if category not in Category.values:
        errors["category"] = [_("Choose the trainee's category.")]
    if not (organisation or "").strip():
        errors["organisation"] = [_("Write the trainee's organisation (police station, school, hotel …).")]
    elif len(organisation.strip()) > MAX_TEXT:
        errors["organisation"] = [_("This is too long (at most %(n)s characters).") % {"n": MAX_TEXT}]
    if len((designation or "").strip()) > 120:
        errors["designation"] = [_("This is too long (at most %(n)s characters).") % {"n": 120}]
    if sex not in Trainee.Sex.values:
        errors["sex"] = [_("Choose the trainee's sex.")]
    days = programme_days(programme)
    if not isinstance(days_attended, int) or isinstance(days_attended, bool) or days_attended < 0:
        errors["days_attended"] = [_("Enter the days attended: zero or more.")]
    elif days_attended > days:
        errors["days_attended"] = [
            _("The programme lasted %(days)s days; a trainee cannot attend %(n)s.") % {"days": days,
                                                                                      "n": days_attended}]
    if "full_name" not in errors and "organisation" not in errors:
        twice = programme.trainees.filter(name_key=name_key(full_name), organisation_key=organisation_key(organisation))
        if exclude_pk is not None:
            twice = twice.exclude(pk=exclude_pk)
        if twice.exists():
            errors["full_name"] = [_("This trainee is already listed in this programme (the same name from the "
                                     "same organisation, honorifics such as Sri, Smt. or Md. aside). Edit the "
                                     "existing entry instead of adding it again.")]
    return errors


def _audit_fields(trainee: Trainee) -> dict:
    """What the audit trail keeps of a trainee: no name, no organisation."""
    return {"programme": str(trainee.programme.public_id), "category": trainee.category, "sex": trainee.sex,
            "days_attended": trainee.days_attended}


def add_trainee(*, actor, programme: TrainingProgramme, full_name: str, category: str, organisation: str,
                sex: str, days_attended: int = 0, designation: str = "") -> Trainee:
    membership = _membership_for(actor, programme)
    errors = _check_trainee(programme, full_name=full_name, category=category, organisation=organisation,
                            designation=designation, sex=sex, days_attended=days_attended)
    _raise(errors)
    trainee = Trainee(programme=programme, full_name=" ".join(full_name.split()), name_key=name_key(full_name),
                      category=category, organisation=" ".join(organisation.split()),
                      organisation_key=organisation_key(organisation), designation=(designation or "").strip(),
                      sex=sex, days_attended=days_attended)
    try:
        with transaction.atomic():
            trainee.save()
            record(actor=actor, action="training.trainee_add", obj=trainee, agency=membership.agency,
                   changes=_audit_fields(trainee))
    except IntegrityError:  # the same trainee added by someone else at the same moment
        raise ValidationError({"full_name": [_("This trainee is already listed in this programme.")]}) from None
    return trainee


def update_trainee(*, actor, trainee: Trainee, expected_version: int, **fields) -> Trainee:
    """Change a trainee's details or attendance. ``fields`` is any of full_name, category,
    organisation, designation, sex, days_attended. An edit made against an older version is
    refused (StaleEdit), never silently overwriting somebody else's."""
    allowed = {"full_name", "category", "organisation", "designation", "sex", "days_attended"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    programme = trainee.programme
    membership = _membership_for(actor, programme)
    values = {name: fields.get(name, getattr(trainee, name)) for name in allowed}
    errors = _check_trainee(programme, exclude_pk=trainee.pk, **values)
    _raise(errors)
    before = _audit_fields(trainee)
    trainee.full_name = " ".join(values["full_name"].split())
    trainee.name_key = name_key(values["full_name"])
    trainee.organisation = " ".join(values["organisation"].split())
    trainee.organisation_key = organisation_key(values["organisation"])
    trainee.designation = (values["designation"] or "").strip()
    trainee.category, trainee.sex, trainee.days_attended = values["category"], values["sex"], values["days_attended"]
    try:
        with transaction.atomic():
            trainee.save_versioned(expected_version, ["full_name", "name_key", "organisation", "organisation_key",
                                                      "designation", "category", "sex", "days_attended"])
            after = _audit_fields(trainee)
            record(actor=actor, action="training.trainee_edit", obj=trainee, agency=membership.agency,
                   changes={k: [before[k], after[k]] for k in after if before[k] != after[k]}
                   | {"details_changed": any(k in fields for k in ("full_name", "organisation", "designation"))})
    except IntegrityError:
        raise ValidationError({"full_name": [_("This trainee is already listed in this programme.")]}) from None
    return trainee


# --------------------------------------------------------------------------- certificates

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over a phone


def _verification_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _number(programme: TrainingProgramme, today: datetime.date) -> str:
    prefix = f"{programme.owning_agency.short_code}-TC-{today.year}"
    return f"{prefix}-{next_serial(prefix):05d}"


def _assign_numbers(trainees: list[Trainee], today: datetime.date) -> list[bool]:
    """Give each trainee without one a certificate number and a verification code (kept for
    every copy printed later). Returns, per trainee, whether this was a reissue."""
    reissued = []
    for trainee in trainees:
        reissued.append(bool(trainee.certificate_number))
        if not trainee.certificate_number:
            trainee.certificate_number = _number(trainee.programme, today)
            trainee.verification_code = _verification_code()
            trainee.certificate_issued_on = today
            Trainee.objects.filter(pk=trainee.pk).update(
                certificate_number=trainee.certificate_number, verification_code=trainee.verification_code,
                certificate_issued_on=today)
    return reissued


def issue_certificate(*, actor, trainee: Trainee, today=None) -> bytes:
    """The completion certificate of one trainee, as PDF bytes. Refused (ValidationError, nothing
    issued) when the trainee has not attended every day."""
    from . import certificates

    programme = trainee.programme
    membership = _membership_for(actor, programme)
    today = today or timezone.localdate()
    if not trainee.completed:
        raise ValidationError(_("No certificate: this trainee attended %(n)s of the programme's %(days)s days. "
                                "A certificate is issued to those who attended every day.")
                              % {"n": trainee.days_attended, "days": programme_days(programme)})
    certificates.check_printable([trainee])
    with transaction.atomic():
        (reissue,) = _assign_numbers([trainee], today)
        pdf = certificates.render([trainee])
        record(actor=actor, action="training.certificate", obj=trainee, agency=membership.agency,
               changes={"programme": str(programme.public_id), "certificate": trainee.certificate_number,
                        "reissue": reissue})
    return pdf


def issue_programme_certificates(*, actor, programme: TrainingProgramme, today=None) -> tuple[bytes, int, int]:
    """Every completed trainee's certificate in one PDF: (bytes, certificates, trainees left out
    because they did not attend every day). Refused when nobody completed."""
    from . import certificates

    membership = _membership_for(actor, programme)
    today = today or timezone.localdate()
    trainees = list(programme.trainees.select_related("programme", "programme__centre",
                                                      "programme__owning_agency"))
    done = [t for t in trainees if t.completed]
    if not done:
        raise ValidationError(_("No certificates: no trainee of this programme has attended every day yet."))
    certificates.check_printable(done)
    with transaction.atomic():
        reissued = _assign_numbers(done, today)
        pdf = certificates.render(done)
        record_many([{"actor": actor, "action": "training.certificate", "obj": t, "agency": membership.agency,
                      "changes": {"programme": str(programme.public_id), "certificate": t.certificate_number,
                                  "reissue": again, "batch": True}}
                     for t, again in zip(done, reissued, strict=True)])
    return pdf, len(done), len(trainees) - len(done)


# --------------------------------------------------------------------------- the library

MAX_BYTES = 20 * 1024 * 1024  # a manual with pictures; posters are smaller
MAX_PIXELS = 100_000_000  # a poster at print resolution; more is a decompression bomb


def max_upload_bytes() -> int:
    """The largest file accepted: MAX_BYTES, or less when the whole request may not be that
    large (settings.SAFETYNET_MAX_REQUEST_BYTES, enforced by core.middleware before any view)."""
    request_limit = getattr(settings, "SAFETYNET_MAX_REQUEST_BYTES", MAX_BYTES)
    return min(MAX_BYTES, request_limit - 64 * 1024)  # room for the form's other fields


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}" if n >= 1024 * 1024 else f"{n / (1024 * 1024):.1f}"


def check_file(data: bytes) -> tuple[str, str]:
    """(content type, extension) of an upload judged by its content, never by its name: a PDF,
    a PNG or a JPEG. ValidationError otherwise."""
    limit = max_upload_bytes()
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": _mb(limit)})
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("This PDF is incomplete (it does not end like a PDF). Upload it again."))
        return "application/pdf", "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(_("This image is too large (at most 100 megapixels)."))
                probe.verify()
        except ValidationError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise ValidationError(_("This image is damaged or not an image we can read.")) from None
        if kind == "PNG":
            return "image/png", "png"
        if kind == "JPEG":
            return "image/jpeg", "jpg"
    raise ValidationError(_("Only PDF documents and PNG or JPEG images can be uploaded."))


def _check_product(title: str, kind: str, description: str, errors: dict) -> None:
    if not (title or "").strip():
        errors["title"] = [_("Write the title.")]
    elif len(title.strip()) > MAX_TEXT:
        errors["title"] = [_("This is too long (at most %(n)s characters).") % {"n": MAX_TEXT}]
    if kind not in KnowledgeProduct.Kind.values:
        errors["kind"] = [_("Choose what kind of product this is.")]
    if len(description or "") > 4000:
        errors["description"] = [_("This is too long (at most %(n)s characters).") % {"n": 4000}]


def _check_upload(language: str, data: bytes, errors: dict) -> tuple[str, str]:
    if language not in Language.values:
        errors["language"] = [_("Choose the language of this file.")]
    try:
        return check_file(data)
    except ValidationError as exc:
        errors["file"] = exc.messages
        return "", ""


def _store(actor, product: KnowledgeProduct, language: str, data: bytes, content_type: str,
           extension: str) -> tuple[KnowledgeVersion, list[str]]:
    now = timezone.now()
    replaced = list(KnowledgeVersion.objects.select_for_update().current().filter(product=product, language=language)
                    .values_list("public_id", flat=True))
    KnowledgeVersion.objects.current().filter(product=product, language=language).update(replaced_at=now)
    version = KnowledgeVersion.objects.create(
        product=product, language=language, content_type=content_type, extension=extension, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    KnowledgeFile.objects.create(version=version, data=data)
    return version, [str(p) for p in replaced]


def publish_product(*, actor, title: str, kind: str, language: str, data: bytes,
                    description: str = "") -> KnowledgeProduct:
    """A new knowledge product with its first language version."""
    membership = acting_membership(actor, policy.Cap.TRAINING_MANAGE)
    errors: dict[str, list[str]] = {}
    _check_product(title, kind, description, errors)
    content_type, extension = _check_upload(language, data, errors)
    _raise(errors)
    with transaction.atomic():
        product = KnowledgeProduct.objects.create(title=title.strip(), kind=kind,
                                                  description=(description or "").strip(),
                                                  publishing_agency=membership.agency)
        version, _replaced = _store(actor, product, language, data, content_type, extension)
        record(actor=actor, action="training.product_publish", obj=product, agency=membership.agency,
               changes={"title": product.title, "kind": kind, "language": language, "version": str(version.public_id),
                        "content_type": content_type, "size": len(data), "sha256": version.sha256})
    return product


def add_version(*, actor, product: KnowledgeProduct, language: str, data: bytes) -> KnowledgeVersion:
    """A language version of a product (replacing that language's current file, if any). Only
    the publishing agency's members with training.manage."""
    if not KnowledgeProduct.objects.managed_by(actor).filter(pk=product.pk).exists():
        raise PermissionDenied(_("Only the agency that published this product may add versions of it."))
    membership = acting_membership(actor, policy.Cap.TRAINING_MANAGE, agency=product.publishing_agency)
    errors: dict[str, list[str]] = {}
    content_type, extension = _check_upload(language, data, errors)
    _raise(errors)
    with transaction.atomic():
        version, replaced = _store(actor, product, language, data, content_type, extension)
        record(actor=actor, action="training.product_version", obj=product, agency=membership.agency,
               changes={"language": language, "version": str(version.public_id), "content_type": content_type,
                        "size": len(data), "sha256": version.sha256, "replaces": replaced})
    return version


def count_download(*, actor, version: KnowledgeVersion) -> None:
    """One more download, counted in the database (an UPDATE … SET downloads = downloads + 1, so
    two downloads at once are both counted). Not an audit event: no personal data is read, and
    the count is what is asked for."""
    if actor is None or not KnowledgeProduct.objects.readable_by(actor).filter(pk=version.product_id).exists():
        raise PermissionDenied(_("Your role does not allow this."))
    KnowledgeVersion.objects.filter(pk=version.pk).update(downloads=F("downloads") + 1)


__all__ = ["StaleEdit", "add_trainee", "update_trainee", "issue_certificate", "issue_programme_certificates",
           "publish_product", "add_version", "count_download", "check_file", "max_upload_bytes", "name_key"]

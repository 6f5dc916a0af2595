"""Linking or de-duplicating an M&E officer's own spreadsheets on the web (issue 6: "the same as
an upload page"): the writes behind /matching/link-files/.

The files hold names, so: they are stored vault-encrypted on the job (bound to the job and the
slot, so a token cannot be moved to another job), the task that runs the linkage gets the
job's id only, the result is downloadable by the uploader alone, the audit trail gets counts
only, and files and result are deleted ``KEEP`` after the upload — by ``purge_expired()``
(``manage.py purge_link_files``, run daily; also called whenever someone opens the upload page,
so a deployment without the daily job still deletes them).
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.audit.services import record
from safetynet.core.services import acting_membership
from safetynet.people import vault

from . import csvfiles
from .models import LinkFilesJob

log = logging.getLogger(__name__)

KEEP = datetime.timedelta(days=7)
# The largest file (50,000 rows) links in minutes; a job untouched this long has lost its worker.
STALLED = datetime.timedelta(hours=1)
# Per file; below the 5 MB a whole request may have (settings.SAFETYNET_MAX_REQUEST_BYTES), so a
# file too large is refused on the form, with its name, rather than by RequestSizeMiddleware.
MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 50_000  # per file


def _context(job: LinkFilesJob, slot: str) -> str:
    return f"matching.linkfilesjob:{job.public_id}:{slot}"


def read_upload(raw: bytes) -> list[dict]:
    """An uploaded file's people, or BadFile with a message for the uploader."""
    if len(raw) > MAX_BYTES:
        raise csvfiles.BadFile(_("the file is larger than %(mb)s MB; split it") % {"mb": MAX_BYTES // (1024 * 1024)})
    return csvfiles.read_people(raw, max_rows=MAX_ROWS)


def create_job(*, actor, left: bytes, right: bytes | None, threshold: float) -> LinkFilesJob:
    """Store the files encrypted and queue the linkage. Raises BadFile (a file that cannot be
    read: nothing is stored) or ValidationError. The audit event has counts only. The uploads
    are deleted when the job ends; the result after KEEP."""
    membership = acting_membership(actor, policy.Cap.LINK_FILES)
    if not 0 <= threshold <= 1:
        raise ValidationError({"threshold": [_("The threshold is a probability: between 0 and 1.")]})
    left_rows = len(read_upload(left))  # the form read them already; the service does not rely on it
    right_rows = len(read_upload(right)) if right is not None else None
    with transaction.atomic():
        job = LinkFilesJob.objects.create(owner=actor, threshold=threshold, left_rows=left_rows,
                                          right_rows=right_rows, expires_at=timezone.now() + KEEP)
        job.left_file = vault.encrypt(left, _context(job, "left"))
        job.right_file = vault.encrypt(right, _context(job, "right")) if right is not None else ""
        job.save(update_fields=["left_file", "right_file"])
        record(actor=actor, action="matching.link_files", obj=job, agency=membership.agency,
               changes={"files": 1 if right is None else 2, "left_rows": left_rows, "right_rows": right_rows,
                        "threshold": threshold})

        def _enqueue() -> None:
            from .tasks import run_link_files

            run_link_files.enqueue(job.pk)

        transaction.on_commit(_enqueue)
    return job


def _progress(job: LinkFilesJob, stage: str, percent: int, **fields) -> None:
    LinkFilesJob.objects.filter(pk=job.pk).update(stage=stage, percent=percent, updated_at=timezone.now(), **fields)


def run_job(job_id: int) -> None:
    """The task's work: read, match, write. Never raises for bad data: the job says it failed
    (an exception's type only; its message may quote a name)."""
    job = LinkFilesJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (LinkFilesJob.Status.QUEUED, LinkFilesJob.Status.RUNNING) \
            or not job.left_file:
        return
    try:
        _progress(job, LinkFilesJob.Stage.READING, 5, status=LinkFilesJob.Status.RUNNING)
        left = csvfiles.read_people(vault.decrypt_bytes(job.left_file, _context(job, "left")))
        right = (csvfiles.read_people(vault.decrypt_bytes(job.right_file, _context(job, "right")))
                 if job.right_file else None)
        # One stage for training and scoring: linkage.link() does both in one call.
        _progress(job, LinkFilesJob.Stage.MATCHING, 15)
        result, left_names, right_names = csvfiles.link_rows(left, right, threshold=job.threshold)
        _progress(job, LinkFilesJob.Stage.WRITING, 90)
        data = csvfiles.pairs_csv(result, left_names, right_names)
        skipped = [{"id": s.id, "side": s.side, "reason": s.reason} for s in result.skipped]
        LinkFilesJob.objects.filter(pk=job.pk).update(
            status=LinkFilesJob.Status.DONE, stage=LinkFilesJob.Stage.FINISHED, percent=100,
            comparisons=result.comparisons, pairs=len(result.pairs), skipped=skipped,
            result=vault.encrypt(data, _context(job, "result")) or "", finished_at=timezone.now(),
            updated_at=timezone.now(), left_file="", right_file="")  # the uploads are not needed any more
    except Exception as exc:
        log.error("link-files job %s failed: %s", job.pk, type(exc).__name__)
        LinkFilesJob.objects.filter(pk=job.pk).update(
            status=LinkFilesJob.Status.FAILED, error=type(exc).__name__[:300], finished_at=timezone.now(),
            updated_at=timezone.now(), left_file="", right_file="")


def get_job_for(user, public_id) -> LinkFilesJob:
    """The uploader's own job; 404 for anybody else and for a job that does not exist."""
    job = LinkFilesJob.objects.visible_to(user).filter(public_id=public_id).first()
    if job is None or not policy_allows(user):
        raise Http404(_("No such job."))
    return job


def policy_allows(user) -> bool:
    from safetynet.access.querysets import has_capability

    return has_capability(user, policy.Cap.LINK_FILES)


def result_for(*, actor, job: LinkFilesJob) -> bytes:
    """The result CSV for its uploader; the download is audited (counts only). Http404 once the
    result is deleted or when there is none."""
    if job.owner_id != actor.pk or job.status != LinkFilesJob.Status.DONE or not job.result:
        raise Http404(_("No result to download."))
    membership = acting_membership(actor, policy.Cap.LINK_FILES)
    data = vault.decrypt_bytes(job.result, _context(job, "result"))
    record(actor=actor, action="matching.link_files_download", obj=job, agency=membership.agency,
           changes={"pairs": job.pairs})
    return data


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files and results of jobs older than KEEP (counts, skipped ids and reasons
    stay), and end jobs a stopped worker left running. Returns how many jobs were purged."""
    now = now or timezone.now()
    fail_stalled(now)
    return LinkFilesJob.objects.filter(expires_at__lte=now, purged_at__isnull=True).update(
        left_file="", right_file="", result="", purged_at=now, updated_at=now)


def fail_stalled(now: datetime.datetime | None = None) -> int:
    """A job that has not moved for STALLED (the worker stopped or was restarted mid-job) would
    say "running" for ever: it is marked failed, with its files deleted, so that its owner sees
    to upload again. Returns how many."""
    now = now or timezone.now()
    return LinkFilesJob.objects.filter(
        status__in=[LinkFilesJob.Status.QUEUED, LinkFilesJob.Status.RUNNING], updated_at__lte=now - STALLED,
    ).update(status=LinkFilesJob.Status.FAILED, error="stalled", finished_at=now, updated_at=now, left_file="",
             right_file="")

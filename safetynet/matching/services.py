"""Matching missing-person reports with found persons, and the review of candidates.

Who may be traced: a survivor whose family tracing has a basis (consent, a CWC order or an
audited override: care.services.start_tracing), and a victim of a police case (the
investigation is the legal basis). Suspects are never candidates here.

A run reads names in this process only (decrypted to be normalised and compared), writes
candidates with codes and weights, and replaces the previous run's open candidates in one
transaction: a run that fails leaves the previous results as they were. Decisions
(confirmed, rejected) are kept across runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from safetynet.access import policy
from safetynet.access.querysets import has_capability, memberships_with
from safetynet.audit.services import record
from safetynet.core.services import acting_membership
from safetynet.missing.models import MissingPersonReport
from safetynet.notifications.services import notify_many
from safetynet.people.models import Person

from .models import DuplicateCandidate, MatchCandidate, MatchRun

log = logging.getLogger(__name__)
THRESHOLD = 0.5  # match probability at or above which a pair becomes a candidate to review


@dataclass
class Found:
    person: Person
    basis: str


def traceable_persons() -> list[Found]:
    """Found persons whose tracing has a basis (see the module's docstring)."""
    from safetynet.care.models import Survivor
    from safetynet.cases.models import CaseParty

    found: dict[int, Found] = {}
    for survivor in Survivor.objects.exclude(tracing_basis="").select_related("person"):
        found[survivor.person_id] = Found(survivor.person, survivor.tracing_basis)
    victims = CaseParty.objects.filter(role=CaseParty.Role.VICTIM).select_related("person")
    for party in victims:
        found.setdefault(party.person_id, Found(party.person, "investigation"))
    return [f for f in found.values() if f.person.identity_erased_at is None]


def _person_row(found: Found) -> dict:
    identity = getattr(found.person, "identity", None)
    names = []
    if identity is not None:
        names = [identity.get_field("name_latin"), identity.get_field("name_native"), *identity.get_field("aliases")]
    names = [n for n in names if n]
    # The age as told at registration, in the year the person was registered: the matcher turns
    # it into a birth year that meets the report's ("about 14" in 2022, "16" in 2024).
    father, age = (identity.get_field("father_name"), identity.get_field("age")) if identity is not None else ("", "")
    return {"id": found.person.code, "name": names[0] if names else "", "other_names": names[1:],
            "sex": found.person.sex if found.person.sex != "unknown" else "",
            "age": age, "age_year": found.person.created_at.year, "father_name": father,
            "district": _district(found.person.jurisdiction)}


def _report_row(report: MissingPersonReport) -> dict:
    family = report.get_json("family_names") or {}
    return {"id": report.reference, "name": report.get_text("name"),
            "other_names": report.get_json("other_names") or [],
            "sex": report.sex if report.sex != "unknown" else "", "age": report.age, "birth_year": report.birth_year,
            "age_year": report.created_at.year, "district": _district(report.jurisdiction),
            "father_name": family.get("father") or family.get("husband") or ""}


def _district(place) -> str:
    district = place.ancestor("district") if place is not None else None
    return (district or place).code if place is not None else ""


def run_matching(*, backend: str = "duckdb", reports=None, persons: list[Found] | None = None) -> MatchRun:
    """Link every open report with every traceable person; keep decisions, replace the open
    candidates. Never raises for bad records: they are skipped and listed on the run. The
    nightly run also de-duplicates the reports and the persons (run_dedupe)."""
    from . import linkage

    run = MatchRun.objects.create(kind="nightly" if reports is None and persons is None else "one")
    reports = list(reports if reports is not None else
                   MissingPersonReport.objects.filter(status=MissingPersonReport.Status.OPEN)
                   .select_related("jurisdiction"))
    persons = persons if persons is not None else traceable_persons()
    if run.kind == "nightly":  # each record type among itself too; fails (or not) apart from the linking
        run_dedupe(run, backend=backend, reports=reports, persons=persons)
    try:
        result = linkage.link([_report_row(r) for r in reports], [_person_row(f) for f in persons],
                              backend=backend, threshold=THRESHOLD)
    except Exception as exc:  # the previous candidates stay; the run says why (no names in it)
        # The type only: an exception's message or traceback may quote a name from the data.
        log.error("matching run %s failed: %s", run.pk, type(exc).__name__)
        MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED, finished_at=timezone.now(),
                                                  error=type(exc).__name__[:300])
        run.refresh_from_db()
        return run
    model: dict = {}
    if run.kind == "nightly":
        try:  # the model real time uses until the next run; a run that cannot train keeps the last one
            from . import realtime

            model = realtime.train_model([_report_row(r) for r in reports] + [_person_row(f) for f in persons])
        except Exception as exc:
            log.warning("matching run %s: no model for real time (%s)", run.pk, type(exc).__name__)
    by_ref = {r.reference: r for r in reports}
    by_code = {f.person.code: f for f in persons}
    with transaction.atomic():
        decided = set(MatchCandidate.objects.exclude(status=MatchCandidate.Status.CANDIDATE)
                      .values_list("report_id", "person_id"))
        scope = MatchCandidate.objects.filter(status=MatchCandidate.Status.CANDIDATE, report__in=reports,
                                              person__in=[f.person for f in persons])
        scope.delete()
        rows = []
        for pair in result.pairs:
            report, found = by_ref.get(pair.left_id), by_code.get(pair.right_id)
            if report is None or found is None or (report.pk, found.person.pk) in decided:
                continue
            rows.append(MatchCandidate(report=report, person=found.person, basis=found.basis, run=run,
                                       match_weight=round(pair.match_weight, 3),
                                       probability=round(pair.match_probability, 4),
                                       fields={k: round(v, 3) for k, v in pair.fields.items()}))
        MatchCandidate.objects.bulk_create(rows)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.DONE, finished_at=timezone.now(), reports=len(reports), found=len(persons),
            comparisons=result.comparisons, candidates=len(rows), model=model,
            skipped=[{"record": s.id, "reason": s.reason} for s in result.skipped])
    run.refresh_from_db()
    return run


# --------------------------------------------------------------------------- review


def can_see_both(user, candidate: MatchCandidate) -> bool:
    """Names on the review screen need identity access to the found person and sight of the
    report (whose name is itself identity data)."""
    from safetynet.access.lookups import can_view_identity

    return (MissingPersonReport.objects.visible_to(user).filter(pk=candidate.report_id).exists()
            and can_view_identity(user, candidate.person))


def decide(*, actor, candidate: MatchCandidate, confirmed: bool, note: str = "") -> MatchCandidate:
    """Confirm or reject a candidate: only someone who can see both records. A confirmation
    marks the report found and tells its agency to contact the family."""
    if not has_capability(actor, policy.Cap.MISSING_VIEW) or not can_see_both(actor, candidate):
        raise PermissionDenied(_("Only someone who may see both records decides whether they are the same person."))
    if candidate.status != MatchCandidate.Status.CANDIDATE:
        raise ValidationError(_("This candidate was already decided; a supervisor may reopen it."))
    membership = acting_membership(actor, policy.Cap.MISSING_VIEW)
    with transaction.atomic():
        candidate.status = MatchCandidate.Status.CONFIRMED if confirmed else MatchCandidate.Status.REJECTED
        candidate.decided_by, candidate.decided_at, candidate.note = actor, timezone.now(), note.strip()[:300]
        # The note may name people: it stays on the candidate; the audit event has codes only.
        candidate.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
        record(actor=actor, action="matching.confirm" if confirmed else "matching.reject", obj=candidate.report,
               agency=membership.agency, changes={"person": candidate.person.code,
                                                  "probability": candidate.probability})
        if confirmed:
            report = candidate.report
            MissingPersonReport.objects.filter(pk=report.pk).update(status=MissingPersonReport.Status.FOUND)
            _tell_report_owners(report, candidate)
    return candidate


def _tell_report_owners(report: MissingPersonReport, candidate: MatchCandidate) -> None:
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Membership

    users = User.objects.filter(is_active=True, pk__in=Membership.objects.filter(
        agency=report.owning_agency, is_active=True, role__in=policy.roles_with(policy.Cap.MISSING_VIEW))
        .values("user_id"))
    notify_many([(users, _("%(ref)s may have been found (%(code)s): contact the family.") % {
        "ref": report.reference, "code": candidate.person.code}, f"/matching/{candidate.public_id}/", True)])


def reopen(*, actor, candidate: MatchCandidate, reason: str) -> MatchCandidate:
    """A supervisor (AHTU head) reverses a decision; the reason is kept in the audit trail."""
    if not memberships_with(actor, policy.Cap.CASE_MANAGE_TEAM) or not can_see_both(actor, candidate):
        raise PermissionDenied(_("Only a supervisor who may see both records reopens a decision."))
    if candidate.status == MatchCandidate.Status.CANDIDATE:
        raise ValidationError(_("This candidate is still open."))
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": [_("Say why the decision is reversed.")]})
    membership = acting_membership(actor, policy.Cap.CASE_MANAGE_TEAM)
    with transaction.atomic():
        was = candidate.status
        candidate.status, candidate.decided_by, candidate.decided_at = MatchCandidate.Status.CANDIDATE, None, None
        candidate.note = reason.strip()[:300]  # on the record, not in the audit trail (it may name people)
        candidate.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
        if was == MatchCandidate.Status.CONFIRMED and not candidate.report.candidates.filter(
                status=MatchCandidate.Status.CONFIRMED).exists():
            MissingPersonReport.objects.filter(pk=candidate.report_id).update(status=MissingPersonReport.Status.OPEN)
        record(actor=actor, action="matching.reopen", obj=candidate.report, agency=membership.agency,
               changes={"person": candidate.person.code, "was": was})
    return candidate


# --------------------------------------------------------------------------- real time

_index_cache: dict[tuple, object] = {}


def _open_reports_index():
    """The open reports, prepared and held in DuckDB with the last run's model (realtime.Index),
    rebuilt only when the reports or the model change."""
    from django.db.models import Count, Max

    from . import realtime

    run = MatchRun.objects.filter(status=MatchRun.Status.DONE).exclude(model={}).order_by("-started_at").first()
    if run is None:
        return None, []
    reports = MissingPersonReport.objects.filter(status=MissingPersonReport.Status.OPEN)
    stamp = reports.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (run.pk, stamp["n"], stamp["last"])
    if key not in _index_cache:
        listed = list(reports.select_related("jurisdiction"))
        _index_cache.clear()
        _index_cache[key] = (realtime.Index([_report_row(r) for r in listed], run.model) if listed else None,
                             {r.reference: r for r in listed})
    return _index_cache[key]


def match_one(found: Found) -> list[MatchCandidate]:
    """A found person just became traceable (a victim registered, a survivor's tracing
    started): score them against every open report now, with the last run's model, and store
    the candidates — so the record shows them at once instead of after the next night's run.
    Never fails the registration: a problem is logged and the nightly run catches up."""
    try:
        index, reports = _open_reports_index()
        if index is None:
            return []
        pairs, _skipped = index.candidates(_person_row(found), threshold=THRESHOLD)
        made = []
        for pair in pairs:
            report = reports.get(pair.right_id)
            if report is None:
                continue
            candidate, _created = MatchCandidate.objects.get_or_create(
                report=report, person=found.person,
                defaults={"basis": found.basis, "match_weight": round(pair.match_weight, 3),
                          "probability": round(pair.match_probability, 4),
                          "fields": {k: round(v, 3) for k, v in pair.fields.items()}})
            made.append(candidate)
        return made
    except Exception as exc:  # the type only, never the message (it may quote a name)
        log.warning("real-time matching failed for %s (%s); the nightly run will cover it", found.person.code,
                    type(exc).__name__)
        return []


# --------------------------------------------------------------------------- duplicates within one record type
#
# The nightly run also de-duplicates each record type: open missing-person reports among
# themselves (the family at a station and a tip about the same child; two stations) and
# traceable found persons among themselves (a victim in two cases; a survivor registered by
# two agencies). Same rules as the candidates above: codes and weights stored, names only to
# someone who may see both records, decisions kept across runs, a failure keeps what was there.

DUPLICATE_KINDS = (DuplicateCandidate.Kind.REPORT, DuplicateCandidate.Kind.PERSON)


def run_dedupe(run: MatchRun, *, backend: str = "duckdb", reports=None,
               persons: list[Found] | None = None) -> MatchRun:
    """De-duplicate the open reports and the traceable persons; per kind, replace the open
    pairs and keep decided ones. A kind whose engine fails keeps its previous pairs and is
    named (with the exception's type only) in ``run.dedupe_error``. Never raises for data."""
    from . import linkage

    reports = list(reports if reports is not None else
                   MissingPersonReport.objects.filter(status=MissingPersonReport.Status.OPEN)
                   .select_related("jurisdiction"))
    persons = persons if persons is not None else traceable_persons()
    sides = {
        DuplicateCandidate.Kind.REPORT: ({r.reference: r for r in reports}, [_report_row(r) for r in reports]),
        DuplicateCandidate.Kind.PERSON: ({f.person.code: f.person for f in persons},
                                         [_person_row(f) for f in persons]),
    }
    counts = {kind: 0 for kind in DUPLICATE_KINDS}
    skipped: list[dict] = []
    errors: list[str] = []
    for kind in DUPLICATE_KINDS:
        by_id, rows = sides[kind]
        try:
            result = linkage.dedupe(rows, backend=backend, threshold=THRESHOLD)
        except Exception as exc:  # this kind's previous pairs stay; the type only (a message may quote a name)
            log.error("de-duplication of %s records in run %s failed: %s", kind, run.pk, type(exc).__name__)
            errors.append(f"{kind}: {type(exc).__name__}")
            continue
        skipped += [{"kind": kind, "record": s.id, "reason": s.reason} for s in result.skipped]
        counts[kind] = _store_duplicates(run, kind, by_id, result.pairs)
    MatchRun.objects.filter(pk=run.pk).update(
        duplicate_reports=counts[DuplicateCandidate.Kind.REPORT],
        duplicate_persons=counts[DuplicateCandidate.Kind.PERSON],
        dedupe_skipped=skipped, dedupe_error="; ".join(errors)[:300])
    run.refresh_from_db()
    return run


def _store_duplicates(run: MatchRun, kind: str, by_id: dict, pairs) -> int:
    first_f, second_f = f"first_{kind}", f"second_{kind}"
    with transaction.atomic():
        decided = set(DuplicateCandidate.objects.filter(kind=kind)
                      .exclude(status=DuplicateCandidate.Status.CANDIDATE)
                      .values_list(f"{first_f}_id", f"{second_f}_id"))
        # Every open pair of this kind is replaced: a record that has since closed (found, or
        # closed as a duplicate) or stopped matching leaves no stale pair behind.
        DuplicateCandidate.objects.filter(kind=kind, status=DuplicateCandidate.Status.CANDIDATE).delete()
        rows, seen = [], set(decided)
        for pair in pairs:
            a, b = by_id.get(pair.left_id), by_id.get(pair.right_id)
            if a is None or b is None or a.pk == b.pk:
                continue
            first, second = sorted((a, b), key=lambda record: record.pk)  # the earlier record first
            if (first.pk, second.pk) in seen:
                continue
            seen.add((first.pk, second.pk))
            rows.append(DuplicateCandidate(
                kind=kind, run=run, **{first_f: first, second_f: second},
                match_weight=round(pair.match_weight, 3), probability=round(pair.match_probability, 4),
                fields={k: round(v, 3) for k, v in pair.fields.items()}, levels=dict(pair.levels)))
        DuplicateCandidate.objects.bulk_create(rows)
    return len(rows)


def _reports_of(duplicate: DuplicateCandidate) -> tuple[MissingPersonReport, MissingPersonReport]:
    first, second = duplicate.first_report, duplicate.second_report
    assert first is not None and second is not None  # a report pair (the check constraint)
    return first, second


def _persons_of(duplicate: DuplicateCandidate) -> tuple[Person, Person]:
    first, second = duplicate.first_person, duplicate.second_person
    assert first is not None and second is not None  # a person pair (the check constraint)
    return first, second


def can_see_both_records(user, duplicate: DuplicateCandidate) -> bool:
    """Names of a duplicate pair need sight of both reports (a report's name is identity
    data), or identity access to both persons."""
    from safetynet.access.lookups import can_view_identity

    if duplicate.kind == DuplicateCandidate.Kind.REPORT:
        pks = {duplicate.first_report_id, duplicate.second_report_id}
        return MissingPersonReport.objects.visible_to(user).filter(pk__in=pks).count() == 2
    first, second = _persons_of(duplicate)
    return can_view_identity(user, first) and can_view_identity(user, second)


def _duplicate_capability(duplicate: DuplicateCandidate) -> str:
    return policy.Cap.MISSING_VIEW if duplicate.kind == DuplicateCandidate.Kind.REPORT else policy.Cap.IDENTITY_VIEW


def _duplicate_changes(duplicate: DuplicateCandidate, **more) -> dict:
    return {"kind": duplicate.kind, "first": DuplicateCandidate.code_of(duplicate.first),
            "second": DuplicateCandidate.code_of(duplicate.second), **more}


def decide_duplicate(*, actor, duplicate: DuplicateCandidate, confirmed: bool, note: str = "") -> DuplicateCandidate:
    """Confirm or reject a duplicate pair: only someone who may see both records. Confirming
    two reports closes the later one as a duplicate of the earlier; confirming two persons
    merges nothing (a wrong merge would attach one survivor's history to another): it records
    the decision and tells both agencies that the two records are one person."""
    capability = _duplicate_capability(duplicate)
    if not has_capability(actor, capability) or not can_see_both_records(actor, duplicate):
        raise PermissionDenied(_("Only someone who may see both records decides whether they are the same person."))
    if duplicate.status != DuplicateCandidate.Status.CANDIDATE:
        raise ValidationError(_("This pair was already decided; a supervisor may reopen it."))
    membership = acting_membership(actor, capability)
    with transaction.atomic():
        duplicate.status = DuplicateCandidate.Status.CONFIRMED if confirmed else DuplicateCandidate.Status.REJECTED
        duplicate.decided_by, duplicate.decided_at, duplicate.note = actor, timezone.now(), note.strip()[:300]
        # The note may name people: it stays on the pair; the audit event has codes only.
        duplicate.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
        record(actor=actor, action="matching.duplicate_confirm" if confirmed else "matching.duplicate_reject",
               obj=duplicate.first, agency=membership.agency,
               changes=_duplicate_changes(duplicate, probability=duplicate.probability))
        if confirmed and duplicate.kind == DuplicateCandidate.Kind.REPORT:
            _close_as_duplicate(actor, membership, duplicate)
        elif confirmed:
            _tell_person_owners(duplicate)
    return duplicate


def _close_as_duplicate(actor, membership, duplicate: DuplicateCandidate) -> None:
    first, second = _reports_of(duplicate)
    # Only an open report is closed: one already found stays found (its family was told).
    closed = MissingPersonReport.objects.filter(pk=second.pk, status=MissingPersonReport.Status.OPEN).update(
        status=MissingPersonReport.Status.CLOSED, version=F("version") + 1, updated_at=timezone.now())
    if closed:  # the later report's own trail says which report it duplicates
        record(actor=actor, action="missing.close_duplicate", obj=second, agency=membership.agency,
               changes={"status": "closed", "duplicate_of": first.reference})
    users = _members_of({first.owning_agency_id, second.owning_agency_id}, {policy.Cap.MISSING_VIEW})
    notify_many([(users, _("%(second)s was closed as a duplicate of %(first)s (the same missing person): continue "
                           "on %(first)s.") % {"first": first.reference, "second": second.reference},
                  f"/matching/duplicates/{duplicate.public_id}/", False)])


def _tell_person_owners(duplicate: DuplicateCandidate) -> None:
    from safetynet.care.models import Survivor
    from safetynet.cases.models import Case

    people = list(_persons_of(duplicate))
    agencies = {p.registering_agency_id for p in people}
    agencies |= set(Survivor.objects.filter(person__in=people).values_list("owning_agency_id", flat=True))
    agencies |= set(Case.objects.filter(parties__person__in=people).values_list("owning_agency_id", flat=True))
    # Investigators (who add people to cases) and caseworkers (who run care records).
    users = _members_of(agencies, {policy.Cap.CASE_ADD_PARTY, policy.Cap.CARE_EDIT})
    notify_many([(users, _("%(first)s and %(second)s are the same person (confirmed on review). The records were "
                           "not merged: bring together what each holds.") % {
        "first": people[0].code, "second": people[1].code},
        f"/matching/duplicates/{duplicate.public_id}/", False)])


def _members_of(agency_ids: set, capabilities: set):
    from safetynet.accounts.models import User
    from safetynet.agencies.models import Membership

    roles: set[str] = set()
    for capability in capabilities:
        roles |= policy.roles_with(capability)
    return User.objects.filter(is_active=True, pk__in=Membership.objects.filter(
        agency_id__in=agency_ids, is_active=True, role__in=roles).values("user_id"))


def reopen_duplicate(*, actor, duplicate: DuplicateCandidate, reason: str) -> DuplicateCandidate:
    """A supervisor (AHTU head) reverses a decision; a report closed by it is open again."""
    if not memberships_with(actor, policy.Cap.CASE_MANAGE_TEAM) or not can_see_both_records(actor, duplicate):
        raise PermissionDenied(_("Only a supervisor who may see both records reopens a decision."))
    if duplicate.status == DuplicateCandidate.Status.CANDIDATE:
        raise ValidationError(_("This pair is still open."))
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": [_("Say why the decision is reversed.")]})
    membership = acting_membership(actor, policy.Cap.CASE_MANAGE_TEAM)
    with transaction.atomic():
        was = duplicate.status
        duplicate.status, duplicate.decided_by, duplicate.decided_at = DuplicateCandidate.Status.CANDIDATE, None, None
        duplicate.note = reason.strip()[:300]  # on the pair, not in the audit trail (it may name people)
        duplicate.save(update_fields=["status", "decided_by", "decided_at", "note", "updated_at"])
        record(actor=actor, action="matching.duplicate_reopen", obj=duplicate.first, agency=membership.agency,
               changes=_duplicate_changes(duplicate, was=was))
        if was == DuplicateCandidate.Status.CONFIRMED and duplicate.kind == DuplicateCandidate.Kind.REPORT:
            _reopen_closed_duplicate(actor, membership, duplicate)
    return duplicate


def _reopen_closed_duplicate(actor, membership, duplicate: DuplicateCandidate) -> None:
    """The later report, closed by the reversed decision, is searched for again (unless another
    confirmed pair still names it the duplicate)."""
    from safetynet.audit.models import AuditEvent

    first, second = _reports_of(duplicate)
    still_duplicate = DuplicateCandidate.objects.filter(
        kind=DuplicateCandidate.Kind.REPORT, second_report=second, status=DuplicateCandidate.Status.CONFIRMED)
    # A report closed for another reason (or found) stays as it is: only this pair's closing is undone.
    closed_by_pair = AuditEvent.objects.filter(action="missing.close_duplicate", object_id=str(second.public_id),
                                               changes__duplicate_of=first.reference)
    if still_duplicate.exists() or not closed_by_pair.exists():
        return
    if MissingPersonReport.objects.filter(pk=second.pk, status=MissingPersonReport.Status.CLOSED).update(
            status=MissingPersonReport.Status.OPEN, version=F("version") + 1, updated_at=timezone.now()):
        record(actor=actor, action="missing.reopen_duplicate", obj=second, agency=membership.agency,
               changes={"status": "open", "was_duplicate_of": first.reference})

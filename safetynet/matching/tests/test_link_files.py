"""/matching/link-files/: an M&E officer uploads spreadsheets of people over HTTP and downloads
the pairs, as `manage.py link_csv` writes them. The task runs on the immediate backend (tests),
after the upload's transaction commits."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from safetynet.access import policy
from safetynet.audit.models import AuditEvent
from safetynet.matching import linkfiles
from safetynet.matching.models import LinkFilesJob
from safetynet.matching.synthetic import generate

pytestmark = pytest.mark.django_db

URL = "/matching/link-files/"
COLUMNS = ["id", "name", "other_names", "sex", "age", "age_year", "district", "father_name"]


def _csv(rows: list[dict], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, left: bytes, right: bytes | None = None, threshold="0.5", capture=None):
    data = {"left": SimpleUploadedFile("reports.csv", left, content_type="text/csv"), "threshold": threshold}
    if right is not None:
        data["right"] = SimpleUploadedFile("found.csv", right, content_type="text/csv")
    if capture is None:
        return client.post(URL, data)
    with capture(execute=True):  # the task is enqueued on commit; the immediate backend runs it there
        return client.post(URL, data)


@pytest.fixture(scope="module")
def people():
    return generate(80, seed=11)


def test_an_upload_of_two_files_is_linked_and_the_download_has_the_known_pairs(
        people, client_for, users, django_capture_on_commit_callbacks):
    client = client_for("me_officer")
    left, right = _csv(people.left), _csv(people.right)
    response = _upload(client, left, right, capture=django_capture_on_commit_callbacks)
    job = LinkFilesJob.objects.get(owner=users["me_officer"])
    assert response.status_code == 302 and response["Location"] == f"{URL}{job.public_id}/"
    assert job.status == LinkFilesJob.Status.DONE, job.error
    assert (job.left_rows, job.right_rows) == (len(people.left), len(people.right))

    page = client.get(response["Location"]).content.decode()
    assert "Done" in page and "Download the pairs (CSV)" in page and f"{job.pairs} pairs at or above" in page
    assert 'hx-trigger="every 2s"' not in page  # finished: the page stops asking

    download = client.get(f"{URL}{job.public_id}/result.csv")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in download["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"))))
    assert list(rows[0])[:6] == ["left_id", "right_id", "match_weight", "match_probability", "left_name",
                                 "right_name"]
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert len(found & people.truth) / len(people.truth) >= 0.9
    assert len(found & people.truth) / len(found) >= 0.9
    name_of = {r["id"]: r["name"] for r in people.left}
    assert all(r["left_name"] == name_of[r["left_id"]] for r in rows)

    # Stored encrypted; the uploads are gone once the job ended; the result stays until it expires.
    job.refresh_from_db()
    some_name = people.left[0]["name"]
    assert job.left_file == "" and job.right_file == ""
    assert job.result.startswith("v1:") and some_name not in job.result
    assert abs(job.expires_at - job.created_at - datetime.timedelta(days=7)) < datetime.timedelta(seconds=5)
    # Audited with counts only: the upload and the download.
    events = AuditEvent.objects.filter(object_id=str(job.public_id)).order_by("seq")
    assert [e.action for e in events] == ["matching.link_files", "matching.link_files_download"]
    assert events[0].changes["left_rows"] == len(people.left) and events[1].changes["pairs"] == job.pairs
    assert not any(r["name"] in str(e.changes) for e in events for r in people.left[:20])


def test_one_file_is_deduplicated_and_skipped_rows_are_listed_by_id_and_reason(
        client_for, users, django_capture_on_commit_callbacks):
    rows = [{"id": "a", "name": "Rohima Khatoon", "age": 14, "age_year": 2022, "sex": "F", "district": "Murshidabad",
             "father_name": "Abdul Karim"},
            {"id": "b", "name": "রহিমা খাতুন", "age": 16, "age_year": 2024, "sex": "F", "district": "IN-WB-MURS",
             "father_name": "Md. Abdul Karim"},
            {"id": "c", "name": "Puja Yadav", "age": 30, "age_year": 2022, "sex": "F", "district": "Pune",
             "father_name": "Ramesh Yadav"},
            {"id": "d", "name": "", "age": 12},
            {"id": "e", "name": "Rina Das", "age": 150}]
    client = client_for("ngo_n24p")  # an NGO running a programme may de-duplicate its own lists too
    _upload(client, _csv(rows), threshold="0", capture=django_capture_on_commit_callbacks)
    job = LinkFilesJob.objects.get(owner=users["ngo_n24p"])
    assert job.status == LinkFilesJob.Status.DONE and job.right_rows is None
    assert job.skipped == [{"id": "d", "side": "", "reason": "empty name"},
                           {"id": "e", "side": "", "reason": "impossible age (150)"}]
    page = client.get(f"{URL}{job.public_id}/").content.decode()
    assert "2 rows skipped" in page and "impossible age (150)" in page and "Rina Das" not in page
    pairs = list(csv.DictReader(io.StringIO(client.get(f"{URL}{job.public_id}/result.csv").content.decode())))
    best = max(pairs, key=lambda r: float(r["match_weight"]))
    assert {best["left_id"], best["right_id"]} == {"a", "b"}


def _too_many_rows() -> bytes:
    return ("name\n" + "Rina Das\n" * (linkfiles.MAX_ROWS + 1)).encode()


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "reports.csv: not a CSV file (it holds binary data)"),
    (b"id,naam\n1,Rina\n", "reports.csv: no &#x27;name&#x27; column (columns found: id, naam)"),
    ("name\nR\xe9na\n".encode("latin-1"), "reports.csv: not a UTF-8 CSV file"),
    (b"", "The submitted file is empty."),
    (b"name,age\n", "reports.csv: no rows below the header."),
    (b"name\n" + b"Rina Das\n" * (linkfiles.MAX_BYTES // 9 + 1), "reports.csv: the file is larger than 4 MB"),
    (None, "reports.csv: more than 50,000 rows; split the file"),
])
def test_a_bad_file_is_refused_with_a_message_and_no_job(client_for, content, message):
    content = _too_many_rows() if content is None else content
    response = _upload(client_for("me_officer"), content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LinkFilesJob.objects.exists()
    assert not AuditEvent.objects.filter(action="matching.link_files").exists()


def test_a_bad_second_file_or_threshold_is_refused_too(client_for):
    client = client_for("me_officer")
    good = _csv([{"name": "Rina Das"}, {"name": "Puja Yadav"}])
    response = _upload(client, good, b"id,naam\n1,Rina\n")
    assert response.status_code == 400 and "found.csv: no &#x27;name&#x27; column" in response.content.decode()
    response = _upload(client, good, threshold="5")
    assert response.status_code == 400 and "less than or equal to 1" in response.content.decode()
    assert not LinkFilesJob.objects.exists()


def test_another_user_gets_404_on_the_job_and_its_download(client_for, users, django_capture_on_commit_callbacks):
    owner = client_for("me_officer")
    _upload(owner, _csv([{"id": "a", "name": "Rina Das"}, {"id": "b", "name": "Rina Dass"}]), threshold="0",
            capture=django_capture_on_commit_callbacks)
    job = LinkFilesJob.objects.get()
    assert owner.get(f"{URL}{job.public_id}/result.csv").status_code == 200
    for persona in ("ngo_n24p", "ahtu_n24p", "researcher", "admin", "outsider"):
        client = client_for(persona)
        for url in (f"{URL}{job.public_id}/", f"{URL}{job.public_id}/result.csv"):
            response = client.get(url)
            assert response.status_code == 404, (persona, url)
            assert "Rina" not in response.content.decode()
    assert AuditEvent.objects.filter(action="matching.link_files_download").count() == 1


@pytest.mark.parametrize("persona", ["researcher", "reporter", "ahtu_kish", "shelter", "outsider"])
def test_the_upload_page_is_not_found_without_the_capability(client_for, persona):
    assert client_for(persona).get(URL).status_code == 404
    response = _upload(client_for(persona), _csv([{"name": "Rina Das"}, {"name": "Puja Yadav"}]))
    assert response.status_code == 404
    assert not LinkFilesJob.objects.exists()


def test_who_may_link_files():
    assert policy.roles_with(policy.Cap.LINK_FILES) == {policy.Role.ME_OFFICER, policy.Role.NGO_CASEWORKER}


def test_the_page_asks_for_the_second_factor_first(users):
    client = Client()
    client.force_login(users["me_officer"])  # password only: the files hold names
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/verify/")


def test_files_and_results_are_deleted_after_seven_days(client_for, django_capture_on_commit_callbacks):
    client = client_for("me_officer")
    _upload(client, _csv([{"id": "a", "name": "Rina Das"}, {"id": "b", "name": "Rina Dass"}]), threshold="0",
            capture=django_capture_on_commit_callbacks)
    job = LinkFilesJob.objects.get()
    out = io.StringIO()
    call_command("purge_link_files", stdout=out)
    assert "0 link-files jobs purged" in out.getvalue()
    LinkFilesJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("purge_link_files", stdout=out)
    assert "1 link-files jobs purged" in out.getvalue()
    job.refresh_from_db()
    assert job.result == "" and job.purged_at is not None and job.pairs >= 1  # counts stay
    assert client.get(f"{URL}{job.public_id}/result.csv").status_code == 404
    assert "The result was deleted 7 days after the upload." in client.get(f"{URL}{job.public_id}/").content.decode()


def test_opening_the_upload_page_purges_expired_results_too(client_for, users):
    job = LinkFilesJob.objects.create(owner=users["me_officer"], left_rows=2, result="v1:x:y",
                                      status=LinkFilesJob.Status.DONE,
                                      expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client_for("me_officer").get(URL).status_code == 200
    job.refresh_from_db()
    assert job.result == "" and job.purged_at is not None


def test_a_job_whose_linkage_fails_says_so_without_data(client_for, users):
    """A stored file that can no longer be read (a tampered token): failed, the exception's type only."""
    job = LinkFilesJob.objects.create(owner=users["me_officer"], left_rows=2, left_file="v1:nokey:AAAA",
                                      expires_at=timezone.now() + linkfiles.KEEP)
    from safetynet.matching.tasks import run_link_files

    run_link_files.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == LinkFilesJob.Status.FAILED and job.error == "VaultError" and job.left_file == ""
    page = client_for("me_officer").get(f"{URL}{job.public_id}/").content.decode()
    assert "could not be linked" in page and "Download" not in page


@pytest.mark.browser
def test_the_pages_in_a_browser(base, browser, people):
    """Upload, wait, download link and skipped rows; screenshots 93-link-files-* (phone, desktop)."""
    from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, shot, sign_in

    right = _csv(people.right + [{"id": "R-bad", "name": "", "age": 12}])
    for label, options in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(**options)
        context.set_default_timeout(60_000)
        page = context.new_page()
        sign_in(page, base, "me.officer", URL)
        page.goto(f"{base}{URL}")
        page.set_input_files("#id_left", files=[{"name": "reports.csv", "mimeType": "text/csv",
                                                 "buffer": b"id,naam\n1,Rina\n"}])
        with page.expect_navigation():
            page.get_by_role("button", name="Link", exact=True).click()
        assert "no 'name' column (columns found: id, naam)" in page.inner_text("main")
        shot(page, f"93-link-files-01-refused-{label}")
        page.set_input_files("#id_left", files=[{"name": "reports.csv", "mimeType": "text/csv",
                                                 "buffer": _csv(people.left)}])
        page.set_input_files("#id_right", files=[{"name": "found.csv", "mimeType": "text/csv", "buffer": right}])
        with page.expect_navigation():
            page.get_by_role("button", name="Link", exact=True).click()
        page.get_by_role("link", name="Download the pairs (CSV)").wait_for()
        assert "1 row skipped" in page.inner_text("main") and "R-bad" in page.inner_text("main")
        width, inner = horizontal_overflow(page)
        assert width <= inner + 1
        shot(page, f"93-link-files-02-done-{label}")
        context.close()


def test_a_job_left_running_by_a_stopped_worker_ends_as_failed(client_for, users):
    """Without this the owner would watch "Running" for ever after a worker restart."""
    job = LinkFilesJob.objects.create(owner=users["me_officer"], left_rows=2, left_file="v1:x:y",
                                      status=LinkFilesJob.Status.RUNNING, expires_at=timezone.now() + linkfiles.KEEP)
    fresh = LinkFilesJob.objects.create(owner=users["me_officer"], left_rows=2, left_file="v1:x:y",
                                        status=LinkFilesJob.Status.RUNNING, expires_at=timezone.now() + linkfiles.KEEP)
    LinkFilesJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - linkfiles.STALLED)
    assert client_for("me_officer").get(URL).status_code == 200  # the page's purge ends it
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == LinkFilesJob.Status.FAILED and job.left_file == ""
    assert fresh.status == LinkFilesJob.Status.RUNNING  # still moving: left alone
    page = client_for("me_officer").get(f"{URL}{job.public_id}/").content.decode()
    assert "could not be linked" in page

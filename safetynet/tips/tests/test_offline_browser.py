"""Issue 3, "Works offline", in real Chromium over real HTTP (Playwright, Debian's chromium).

A bystander opens the report form once with a network: the service worker installs and
keeps the page. Later, with no network, the form still opens; the report is kept on the
phone, sealed with AES-GCM (IndexedDB holds no plain text of it), and nothing reaches the
server. When the network returns the report is sent by itself, with its idempotency key:
one tip, channel "offline", and a receipt code on the screen. Sending the same sealed
report again (a send that was cut off after the server stored it) still makes one tip.

Screenshots go to test-output/screenshots/30-… for a human to look at.
"""

from __future__ import annotations

import pytest

from safetynet.core.tests.browser import DESKTOP, PHONE, horizontal_overflow, overflowing_elements, shot

pytestmark = [pytest.mark.browser]

DESCRIPTION = "Two girls with a man at the Petrapole bus stand, crying, said they go to a job in Delhi."
DISTRICT = "North 24 Parganas"

# Everything IndexedDB holds for the report, as the page could read it: the record itself
# (JSON, ArrayBuffers as text) and the key object's properties.
READ_QUEUE = """async () => {
    const db = await new Promise((ok, no) => { const r = indexedDB.open('safetynet-report');
                                               r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const all = (store) => new Promise((ok, no) => {
        const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error); });
    const records = await all('queue');
    const keys = await all('keys');
    db.close();
    const bytes = (b) => Array.from(new Uint8Array(b.buffer || b), (c) => String.fromCharCode(c)).join('');
    let exportable = true;
    try { await crypto.subtle.exportKey('raw', keys[0]); } catch (e) { exportable = false; }
    return {
        records: records.map((r) => ({id: r.id, createdAt: r.createdAt, rejectedAt: r.rejectedAt || null,
                                      keys: Object.keys(r).sort(), json: JSON.stringify(r),
                                      sealedBytes: bytes(r.sealed), ivLength: new Uint8Array(r.iv).length,
                                      sealedUtf8: new TextDecoder().decode(r.sealed)})),
        key: keys.length === 1 ? {type: keys[0].type, extractable: keys[0].extractable,
                                  algorithm: keys[0].algorithm.name, length: keys[0].algorithm.length,
                                  usages: keys[0].usages, exportable} : null,
    };
}"""

OPEN_QUEUE = """const openQueue = () => new Promise((ok, no) => {
    const r = indexedDB.open('safetynet-report'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
"""

# Copy of the stored records (the sealed bytes as they are), to put back later.
SAVE_QUEUE = "async () => {" + OPEN_QUEUE + """
    const db = await openQueue();
    const records = await new Promise((ok) => { const r = db.transaction('queue').objectStore('queue').getAll();
                                                r.onsuccess = () => ok(r.result); });
    db.close();
    window.__savedQueue = records;
    return records.length;
}"""

RESTORE_QUEUE = "async () => {" + OPEN_QUEUE + """
    const db = await openQueue();
    await new Promise((ok, no) => { const t = db.transaction('queue', 'readwrite');
        for (const r of window.__savedQueue) t.objectStore('queue').put(r);
        t.oncomplete = ok; t.onerror = () => no(t.error); });
    db.close();
    return window.__savedQueue.length;
}"""


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**(options or DESKTOP))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def watch(page) -> list[str]:
    """Script errors, refused content (CSP) and server errors seen by the page: the test
    fails on any. (A 400 to a refused report and the missing favicon are expected.)"""
    problems: list[str] = []

    def console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return problems


def open_online(context, base: str):
    page = context.new_page()
    problems = watch(page)
    page.goto(f"{base}/report/")
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{base}/report/"
    # Controlled from now on (clients.claim), so the next load goes through the worker.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page, problems


def fill_report(page, description: str = DESCRIPTION) -> None:
    page.get_by_label("Person being moved across the border").check()
    page.select_option("#id_jurisdiction", label=DISTRICT)
    page.fill("#id_place", "Petrapole bus stand")
    page.fill("#id_description", description)


def photo_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def wait_until_sent(page) -> None:
    """Until the phone holds no waiting report (the send ends with deleting it)."""
    for _ in range(50):
        if page.evaluate(READ_QUEUE)["records"] == []:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still kept: {page.evaluate(READ_QUEUE)['records']}")


def _tips():
    from safetynet.tips.models import Tip

    return Tip.objects.all()


def test_report_offline_is_kept_sealed_and_sent_once_when_online(base, new_context):
    context = new_context(**PHONE)
    page, problems = open_online(context, base)
    shot(page, "30-report-online-phone")

    # The installable app: manifest and worker as Chromium sees them.
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/report/manifest.webmanifest"), manifest
    assert not manifest.get("errors"), manifest["errors"]
    installability = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    # A Playwright context is incognito, where Chromium installs nothing; nothing else may be missing.
    assert [e for e in installability if e != "in-incognito"] == [], installability

    # No network: the form still opens, from the worker's cache.
    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    assert page.locator("h1").inner_text() == "Report something suspicious"
    assert page.locator("#offline-banner").is_visible()
    assert page.locator("#use-location").is_visible()  # JS runs: the cached scripts loaded too
    assert page.evaluate("document.getElementById('tip-form').elements.idempotency_key.value").startswith("pwa:")
    shot(page, "31-report-offline-form")

    fill_report(page)
    has_photo = page.locator("#id_photo").count() == 1  # the photo field (issue 6) may be absent
    if has_photo:
        page.set_input_files("#id_photo", files=[{"name": "bus-stand.png", "mimeType": "image/png",
                                                  "buffer": photo_png()}])
    page.get_by_role("button", name="Send report").click()
    queued = page.locator("#queued")
    queued.wait_for(state="visible")
    assert queued.inner_text() == "1 report saved on this phone, will be sent when you are online"
    assert page.locator("#id_description").input_value() == ""  # the form is ready for the next one
    assert _tips().count() == 0
    shot(page, "32-report-offline-queued")

    # What the phone holds: one sealed record, no plain text, a key that cannot be read out.
    stored = page.evaluate(READ_QUEUE)
    assert len(stored["records"]) == 1, stored
    record = stored["records"][0]
    assert record["keys"] == ["createdAt", "id", "iv", "sealed"], record["keys"]
    assert record["ivLength"] == 12
    for plain in (DESCRIPTION, "Petrapole", "IN-WB-N24P", "pwa:", "bus-stand.png", "IHDR"):
        assert plain not in record["json"], f"{plain!r} is stored in the clear"
        assert plain not in record["sealedBytes"] and plain not in record["sealedUtf8"], plain
    assert stored["key"] == {"type": "secret", "extractable": False, "algorithm": "AES-GCM", "length": 256,
                             "usages": ["encrypt", "decrypt"], "exportable": False}, stored["key"]
    assert page.evaluate(SAVE_QUEUE) == 1  # the sealed bytes, to send them a second time below

    # The network returns: sent by itself, receipt on screen, one tip from the "offline" channel.
    with page.expect_response(lambda r: r.url == f"{base}/report/" and r.request.method == "POST") as sent:
        context.set_offline(False)
    assert sent.value.status == 201
    assert sent.value.request.headers.get("x-safetynet-offline") == "1"
    code = page.locator("#receipt-code")
    code.wait_for()
    receipt = code.inner_text()
    assert len(receipt) == 14 and receipt.count("-") == 2, receipt
    wait_until_sent(page)
    page.locator("#queued").wait_for(state="hidden")
    assert page.locator("#offline-banner").is_hidden()
    tips = list(_tips())
    assert len(tips) == 1
    tip = tips[0]
    assert tip.channel == "offline"
    assert tip.idempotency_key.startswith("pwa:")
    assert tip.jurisdiction.name == DISTRICT
    if has_photo:
        assert tip.photos.count() == 1  # the photo was kept (sealed) with the report and sent
    shot(page, "33-report-sent-after-offline")

    # The same sealed report once more (a send cut off after the server stored it): the
    # server answers 200 with the same receipt and the queue empties; still one tip.
    assert page.evaluate(RESTORE_QUEUE) == 1
    with page.expect_response(lambda r: r.url == f"{base}/report/" and r.request.method == "POST") as again:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert again.value.status == 200
    assert again.value.json() == {"receipt": receipt, "received": True}
    wait_until_sent(page)
    assert page.locator("#sent [data-receipt]").all_inner_texts() == [receipt]  # the same code, once
    assert _tips().count() == 1
    scroll_width, inner_width = horizontal_overflow(page)
    assert scroll_width <= inner_width + 1, overflowing_elements(page)

    # Checking a report needs the network: offline, the kept page says so.
    context.set_offline(True)
    page.goto(f"{base}/report/status/")
    assert page.locator("h1").inner_text() == "You are offline"
    assert "checking a report" in page.locator("#offline-page").inner_text()
    shot(page, "34-status-offline")
    context.set_offline(False)
    assert problems == [], problems


def test_online_report_shows_receipt_without_a_page_load(base, new_context):
    context = new_context()
    page, problems = open_online(context, base)
    page.evaluate("window.__noReload = 'still here'")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    # Errors come back next to the fields, without a page load.
    page.get_by_role("button", name="Send report").click()
    page.locator("#error-description").wait_for()
    assert page.locator("#form-errors").is_visible()
    assert page.locator("#error-jurisdiction").is_visible() and page.locator("#error-category").is_visible()
    assert page.locator("#id_description").get_attribute("aria-invalid") == "true"
    shot(page, "35-report-online-errors")

    fill_report(page, "A broker is offering jobs in Kolkata to girls at the fair.")
    key = page.evaluate("document.getElementById('tip-form').elements.idempotency_key.value")
    assert key.startswith("pwa:") and len(key) == 40
    with page.expect_response(lambda r: r.url == f"{base}/report/" and r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send report").click()
    assert posted.value.status == 201
    assert posted.value.request.headers.get("accept") == "application/json"
    assert "x-safetynet-offline" not in posted.value.request.headers
    code = page.locator("#receipt-code")
    code.wait_for()
    assert page.locator("#tip-form").is_hidden()
    assert page.evaluate("window.__noReload") == "still here"
    assert navigations == []
    tip = _tips().get()
    assert tip.channel == "web" and tip.idempotency_key == key
    assert posted.value.json()["receipt"] == code.inner_text()
    shot(page, "36-report-online-receipt")
    assert problems == [], problems


def test_report_refused_after_queueing_stays_on_the_phone(base, new_context):
    """A kept report the server refuses (its district is gone) is not dropped: it is shown,
    stays sealed in IndexedDB, and can be corrected and sent."""
    context = new_context(**PHONE)
    page, problems = open_online(context, base)
    context.set_offline(True)
    page.reload()
    fill_report(page, "A man keeps two boys locked in the brick kiln.")
    # A district the phone had when the page was kept, and the server no longer knows.
    page.evaluate("""() => { const s = document.getElementById('id_jurisdiction');
                             s.add(new Option('Old district', 'IN-WB-GONE')); s.value = 'IN-WB-GONE'; }""")
    page.get_by_role("button", name="Send report").click()
    page.locator("#queued").wait_for(state="visible")

    with page.expect_response(lambda r: r.url == f"{base}/report/" and r.request.method == "POST") as sent:
        context.set_offline(False)
    assert sent.value.status == 400
    rejected = page.locator("#rejected [data-kept]")
    rejected.wait_for()
    assert "not accepted" in rejected.inner_text() and "District" in rejected.inner_text()
    stored = page.evaluate(READ_QUEUE)["records"]
    assert len(stored) == 1 and stored[0]["rejectedAt"], stored
    assert "brick kiln" not in stored[0]["json"] and "IN-WB-GONE" not in stored[0]["sealedBytes"]
    assert page.locator("#queued").is_hidden()
    assert _tips().count() == 0
    shot(page, "37-report-refused-kept")

    # Reloading does not resend it (it would only be refused again) and still shows it.
    page.reload()
    page.locator("#rejected [data-kept]").wait_for()
    page.get_by_role("button", name="Correct this report").click()
    assert page.locator("#id_description").input_value() == "A man keeps two boys locked in the brick kiln."
    assert page.locator("#error-jurisdiction").is_visible()
    page.select_option("#id_jurisdiction", label=DISTRICT)
    shot(page, "38-report-refused-correcting")
    with page.expect_response(lambda r: r.url == f"{base}/report/" and r.request.method == "POST") as fixed:
        page.get_by_role("button", name="Send report").click()
    assert fixed.value.status == 201
    page.locator("#receipt-code").wait_for()
    shot(page, "39-report-phone-receipt")
    assert page.evaluate(READ_QUEUE)["records"] == []
    assert _tips().count() == 1
    assert problems == [], problems

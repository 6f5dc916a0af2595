// The public report form, made to work with no network (issue 3).
//
// Progressive enhancement: without this script the form posts normally and the server
// shows the receipt page. With it:
// - "Add my phone's location" fills the hidden latitude/longitude (3 decimals, ~100 m);
// - "Send" posts with fetch (Accept: application/json) and shows the receipt in place;
// - offline (or when the post cannot get through) the report is kept on this phone in
//   IndexedDB ("safetynet-report"), sealed with AES-GCM under a key the browser generated
//   as non-extractable: the report (text and photo) never reaches the disk in the clear,
//   and the key cannot be read out, only used by this site's pages;
// - when the network returns (the "online" event, a page load, a message from the
//   service worker, or a retry now and then) the kept reports are sent with
//   "X-SafetyNet-Offline: 1" and their own idempotency key, so a repeated send returns
//   the first receipt instead of making a second report. A report leaves the phone only
//   after the server answered 200/201; one the server refused (400) stays, and is shown
//   to the reporter to correct and send again.
// Every text shown comes from the form's data-text-* attributes (translated by Django).
(function () {
  "use strict";

  const form = document.getElementById("tip-form");
  if (!form || !window.fetch || !window.FormData || !window.TextEncoder) {
    return;
  }
  const texts = Object.assign({}, form.dataset);
  const DB_NAME = "safetynet-report";
  const QUEUE = "queue";
  const KEYS = "keys";
  const KEY_ID = "queue-key";
  const SYNC_TAG = "safetynet-report-flush";
  const POST_TIMEOUT_MS = 60000;
  const RETRY_MS = 20000;
  const LIMITED_PAUSE_MS = 5 * 60000; // after "too many reports" (429) the timer waits this long
  const $ = (id) => document.getElementById(id);
  const lang = document.documentElement.lang || undefined;

  // ------------------------------------------------------------------ texts and elements

  function text(name, values) {
    let value = texts["text" + name] || "";
    for (const [key, replacement] of Object.entries(values || {})) {
      value = value.split("{" + key + "}").join(String(replacement));
    }
    return value;
  }

  function plural(name, count) {
    let rule;
    try {
      rule = new Intl.PluralRules(lang).select(count);
    } catch (error) {
      rule = count === 1 ? "one" : "other";
    }
    return text(name + (rule === "one" ? "One" : "Other"), { count: count });
  }

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(key, value);
      }
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  // A box's first and last paragraph sit against its edges (style set from script is
  // allowed by the CSP; style attributes in the HTML would be too, but this keeps it here).
  function snug(box) {
    if (box.firstElementChild) {
      box.firstElementChild.style.marginTop = "0";
    }
    if (box.lastElementChild) {
      box.lastElementChild.style.marginBottom = "0";
    }
    return box;
  }

  // ------------------------------------------------------------------ idempotency keys

  function randomId() {
    if (typeof crypto.randomUUID === "function") {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setFreshKey() {
    form.elements.idempotency_key.value = "pwa:" + randomId();
  }

  // ------------------------------------------------------------------ IndexedDB

  const canKeep = Boolean(window.indexedDB && window.crypto && crypto.subtle && window.isSecureContext);
  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(QUEUE)) {
            db.createObjectStore(QUEUE, { keyPath: "id" });
          }
          if (!db.objectStoreNames.contains(KEYS)) {
            db.createObjectStore(KEYS);
          }
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error("IndexedDB blocked"));
      });
      dbPromise.catch(() => { dbPromise = null; });
    }
    return dbPromise;
  }

  // One transaction; `work` gets the store and may return the IDBRequest whose result is wanted.
  async function inStore(name, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error || new Error("aborted"));
    });
  }

  const allKept = () => inStore(QUEUE, "readonly", (store) => store.getAll());
  const putKept = (record) => inStore(QUEUE, "readwrite", (store) => store.put(record));
  const deleteKept = (id) => inStore(QUEUE, "readwrite", (store) => store.delete(id));

  // The AES-GCM key: made once, non-extractable, stored as the CryptoKey object itself
  // (structured clone; the raw key stays inside the browser). Two tabs racing both make
  // one; the transaction keeps whichever was stored first, and both use that one.
  let keyPromise = null;

  function sealingKey() {
    if (!keyPromise) {
      keyPromise = (async () => {
        const existing = await inStore(KEYS, "readonly", (store) => store.get(KEY_ID));
        if (existing) {
          return existing;
        }
        const fresh = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false,
          ["encrypt", "decrypt"]);
        const db = await openDb();
        return new Promise((resolve, reject) => {
          const transaction = db.transaction(KEYS, "readwrite");
          const store = transaction.objectStore(KEYS);
          let chosen = fresh;
          const lookup = store.get(KEY_ID);
          lookup.onsuccess = () => {
            if (lookup.result) {
              chosen = lookup.result;
            } else {
              store.add(fresh, KEY_ID);
            }
          };
          transaction.oncomplete = () => resolve(chosen);
          transaction.onerror = () => reject(transaction.error);
          transaction.onabort = () => reject(transaction.error || new Error("aborted"));
        });
      })();
      keyPromise.catch(() => { keyPromise = null; });
    }
    return keyPromise;
  }

  // A report: {fields: {name: value}, files: [{field, name, type, bytes}], errors?}.
  // errors is the server's answer to a refused report (sealed too: a message can quote
  // what was written). Packed as: 4-byte length, JSON (fields, file descriptions,
  // errors), then the files' bytes; then sealed whole.
  function pack(report) {
    const files = report.files || [];
    const head = new TextEncoder().encode(JSON.stringify({
      fields: report.fields, errors: report.errors || null,
      files: files.map((f) => ({ field: f.field, name: f.name, type: f.type, size: f.bytes.byteLength })),
    }));
    const total = 4 + head.byteLength + files.reduce((n, f) => n + f.bytes.byteLength, 0);
    const out = new Uint8Array(total);
    new DataView(out.buffer).setUint32(0, head.byteLength);
    out.set(head, 4);
    let offset = 4 + head.byteLength;
    for (const f of files) {
      out.set(new Uint8Array(f.bytes), offset);
      offset += f.bytes.byteLength;
    }
    return out;
  }

  function unpack(buffer) {
    const length = new DataView(buffer).getUint32(0);
    const head = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
    let offset = 4 + length;
    const files = head.files.map((f) => {
      const bytes = buffer.slice(offset, offset + f.size);
      offset += f.size;
      return { field: f.field, name: f.name, type: f.type, bytes: bytes };
    });
    return { fields: head.fields, files: files, errors: head.errors || undefined };
  }

  // The record's id is bound to its ciphertext (additional data): a sealed report cannot
  // be moved into another record unnoticed.
  async function keep(report, id, createdAt, rejectedAt) {
    const recordId = id || randomId();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv, additionalData: new TextEncoder().encode(recordId) },
      await sealingKey(), pack(report));
    const record = { id: recordId, sealed: sealed, iv: iv, createdAt: createdAt || Date.now() };
    if (rejectedAt) {
      record.rejectedAt = rejectedAt;
    }
    await putKept(record);
    return record;
  }

  async function unseal(record) {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: record.iv, additionalData: new TextEncoder().encode(record.id) },
      await sealingKey(), record.sealed);
    return unpack(plain);
  }

  // ------------------------------------------------------------------ sending

  async function collect() {
    const report = { fields: {}, files: [] };
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value === "string") {
        report.fields[name] = value;
      } else if (value && value.size > 0) {
        report.files.push({ field: name, name: value.name, type: value.type, bytes: await value.arrayBuffer() });
      }
    }
    return report;
  }

  async function post(report, offline) {
    const body = new FormData();
    for (const [name, value] of Object.entries(report.fields)) {
      body.append(name, value);
    }
    for (const f of report.files || []) {
      body.append(f.field, new Blob([f.bytes], { type: f.type }), f.name);
    }
    const headers = { Accept: "application/json" };
    if (offline) {
      headers["X-SafetyNet-Offline"] = "1";
    }
    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), POST_TIMEOUT_MS) : null;
    try {
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST", headers: headers, body: body, credentials: "same-origin", cache: "no-store",
          signal: controller ? controller.signal : undefined,
        });
      } catch (error) {
        setReachable(false);
        throw error;
      }
      setReachable(true);
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null; // not our server's JSON (a captive portal, a proxy's error page)
      }
      return { status: response.status, data: data };
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
    }
  }

  const received = (answer) => (answer.status === 200 || answer.status === 201) && Boolean(answer.data) &&
    answer.data.received === true && typeof answer.data.receipt === "string";
  const refused = (answer) => answer.status === 400 && Boolean(answer.data) && Boolean(answer.data.errors);

  // ------------------------------------------------------------------ errors next to the fields

  function labelFor(name) {
    const field = form.elements[name];
    let label = null;
    if (field && field.id) {
      label = form.querySelector('label[for="' + field.id + '"]');
    } else if (field && typeof field.length === "number" && field[0]) {
      const fieldset = field[0].closest("fieldset");
      label = fieldset && fieldset.querySelector("legend");
    }
    return label ? label.textContent.trim().replace(/[:：]$/, "") : "";
  }

  function clearErrors() {
    for (const list of form.querySelectorAll(".errorlist")) {
      list.remove();
    }
    for (const field of form.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
      field.removeAttribute("aria-describedby");
    }
    const top = $("form-errors");
    top.hidden = true;
    top.textContent = "";
  }

  function showTopMessage(message) {
    const top = $("form-errors");
    top.textContent = message;
    top.hidden = false;
    top.scrollIntoView({ block: "center" });
  }

  function showErrors(errors) {
    clearErrors();
    const general = [];
    let first = null;
    for (const [name, messages] of Object.entries(errors || {})) {
      const field = form.elements[name];
      const list = element("ul", { class: "errorlist", id: "error-" + name },
        messages.map((message) => element("li", { text: message })));
      const radios = field && typeof field.length === "number" && field[0] && field[0].type === "radio";
      if (radios && field[0].closest(".choices")) {
        field[0].closest(".choices").after(list);
        for (const radio of field) {
          radio.setAttribute("aria-invalid", "true");
          radio.setAttribute("aria-describedby", list.id);
        }
        first = first || field[0];
      } else if (field && field.type !== "hidden" && field.closest && field.closest(".field")) {
        field.closest(".field").append(list);
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", list.id);
        first = first || field;
      } else {
        general.push(...messages);
      }
    }
    const top = $("form-errors");
    top.textContent = "";
    top.append(element("p", { text: text("FixErrors") }));
    for (const message of general) {
      top.append(element("p", { text: message }));
    }
    snug(top).hidden = false;
    (first || top).scrollIntoView({ block: "center" });
    if (first) {
      first.focus({ preventScroll: true });
    }
  }

  // ------------------------------------------------------------------ receipts

  function receiptCode(code) {
    const attributes = { class: "receipt-code", "data-receipt": "", text: code };
    if (!$("receipt-code")) {
      attributes.id = "receipt-code"; // as on the server's receipt page
    }
    return element("p", attributes);
  }

  // The form's place is taken by the receipt, laid out as the server's receipt page.
  function showReceipt(code) {
    const heading = element("h2", { class: "msg success", tabindex: "-1", text: text("Received") });
    const section = element("section", { id: "receipt", role: "status" }, [
      heading, element("p", { text: text("ReceiptLabel") }), receiptCode(code),
      element("p", { text: text("ReceiptHelp") }),
      element("p", { class: "actions" }, [
        element("a", { class: "btn secondary", href: texts.statusUrl, text: text("Check") }), " ",
        element("a", { href: texts.scope, text: text("Another") }),
      ]),
    ]);
    form.hidden = true;
    form.after(section);
    heading.focus();
  }

  // Kept reports that were sent: their codes stay on screen to be written down.
  function showSent(codes) {
    if (!codes.length) {
      return;
    }
    const box = $("sent");
    if (!box.querySelector("h2")) {
      box.setAttribute("role", "status");
      box.append(element("h2", { class: "msg success", tabindex: "-1" }), element("div", { class: "codes" }),
        element("p", { text: text("ReceiptHelp") }));
    }
    const list = box.querySelector(".codes");
    const shown = new Set(Array.from(list.children, (node) => node.textContent));
    for (const code of codes) {
      if (!shown.has(code)) { // a report sent twice (the first answer was lost) has one code
        shown.add(code);
        list.append(receiptCode(code));
      }
    }
    const heading = box.querySelector("h2");
    heading.textContent = plural("Sent", list.children.length);
    box.hidden = false;
    if (!form.contains(document.activeElement)) {
      heading.focus(); // but never pull the reporter out of a field they are typing in
    }
  }

  // ------------------------------------------------------------------ what the phone holds

  async function showKept() {
    if (!canKeep) {
      return;
    }
    let records;
    try {
      records = await allKept();
    } catch (error) {
      return;
    }
    waitingCount = records.filter((record) => !record.rejectedAt).length;
    const queued = $("queued");
    queued.textContent = waitingCount ? plural("Queued", waitingCount) : "";
    queued.hidden = !waitingCount;
    await showRefused(records.filter((record) => record.rejectedAt));
  }

  async function showRefused(records) {
    const box = $("rejected");
    box.textContent = "";
    records.sort((a, b) => a.createdAt - b.createdAt);
    for (const record of records) {
      let report;
      try {
        report = await unseal(record);
      } catch (error) {
        continue;
      }
      const messages = [];
      for (const [name, list] of Object.entries(report.errors || {})) {
        const label = labelFor(name);
        for (const message of list) {
          messages.push(label ? label + ": " + message : message);
        }
      }
      const button = element("button", { type: "button", class: "btn secondary", text: text("Correct") });
      button.addEventListener("click", () => correct(record, report));
      let saved = "";
      try {
        saved = new Date(record.createdAt).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
      } catch (error) {
        saved = new Date(record.createdAt).toLocaleString();
      }
      box.append(snug(element("div", { class: "msg error", role: "alert", "data-kept": record.id }, [
        element("p", { text: text("Rejected") }),
        element("ul", { class: "errorlist" }, messages.map((message) => element("li", { text: message }))),
        element("p", { class: "muted", text: text("SavedOn") + " " + saved }),
        element("p", {}, [button]),
      ])));
    }
    box.hidden = !box.children.length;
  }

  // ------------------------------------------------------------------ correcting a refused report

  let correcting = null; // the id of the kept record now in the form

  function fill(report) {
    form.reset();
    for (const [name, value] of Object.entries(report.fields)) {
      const field = form.elements[name];
      if (!field || field.type === "file") {
        continue;
      }
      if (field.type === "checkbox") {
        field.checked = Boolean(value);
      } else {
        field.value = value;
      }
    }
    const byField = {};
    for (const f of report.files || []) {
      (byField[f.field] = byField[f.field] || []).push(f);
    }
    for (const [name, files] of Object.entries(byField)) {
      const input = form.elements[name];
      if (input && input.type === "file" && window.DataTransfer) {
        try {
          const transfer = new DataTransfer();
          for (const f of files) {
            transfer.items.add(new File([f.bytes], f.name, { type: f.type }));
          }
          input.files = transfer.files;
        } catch (error) {
          // an old browser: the photo has to be chosen again
        }
      }
    }
  }

  function correct(record, report) {
    correcting = record.id;
    fill(report);
    const note = $("rejected").querySelector('[data-kept="' + record.id + '"]');
    if (note) {
      note.remove();
    }
    $("rejected").hidden = !$("rejected").children.length;
    showErrors(report.errors || {});
  }

  async function forgetCorrected() {
    if (correcting) {
      const id = correcting;
      correcting = null;
      await deleteKept(id);
    }
  }

  // ------------------------------------------------------------------ online or not

  // navigator.onLine is false only when the phone has no network at all. A page the
  // service worker gave from its copy (the network failed or was too slow), or a send
  // that got no answer, means offline too, until something gets through.
  let unreachable = document.documentElement.hasAttribute("data-offline-copy");
  let waitingCount = 0;
  let pausedUntil = 0;

  function showConnection() {
    $("offline-banner").hidden = !(navigator.onLine === false || unreachable);
  }

  function setReachable(reachable) {
    unreachable = !reachable;
    showConnection();
  }

  // No "online" event comes when a connection that was up but useless starts working
  // again: while reports wait or the server seemed unreachable, try now and then.
  function retryNowAndThen() {
    if (navigator.onLine === false) {
      return;
    }
    if (waitingCount) {
      if (Date.now() >= pausedUntil) {
        flush();
      }
    } else if (unreachable && texts.swUrl) {
      fetch(texts.swUrl, { method: "HEAD", cache: "no-store" })
        .then(() => setReachable(true), () => setReachable(false));
    }
  }

  // ------------------------------------------------------------------ submit

  const submitButton = form.querySelector("button[type=submit]");
  const submitLabel = submitButton.textContent;
  let busy = false;

  function setBusy(on) {
    busy = on;
    submitButton.disabled = on;
    submitButton.textContent = on ? text("Sending") : submitLabel;
  }

  function resetForNext() {
    form.reset();
    form.elements.latitude.value = "";
    form.elements.longitude.value = "";
    $("location-status").textContent = "";
    setFreshKey();
  }

  // Keep the report on this phone for later; false if this browser cannot.
  async function keepForLater(report, serverMessage) {
    if (!canKeep) {
      showTopMessage(text("CannotKeep"));
      return false;
    }
    try {
      await keep({ fields: report.fields, files: report.files });
      await forgetCorrected();
    } catch (error) {
      showTopMessage(text("CannotKeep"));
      return false;
    }
    resetForNext();
    await showKept();
    askForSync();
    const queued = $("queued");
    if (serverMessage) {
      queued.textContent = serverMessage + " " + queued.textContent;
    }
    queued.setAttribute("tabindex", "-1");
    queued.scrollIntoView({ block: "center" });
    queued.focus({ preventScroll: true });
    return true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setBusy(true);
    try {
      clearErrors();
      const report = await collect();
      if (navigator.onLine === false) {
        await keepForLater(report);
        return;
      }
      let answer = null;
      try {
        answer = await post(report, false);
      } catch (error) {
        answer = null; // no network, or no answer in time: it may or may not have arrived
      }
      if (answer && received(answer)) {
        await forgetCorrected();
        showReceipt(answer.data.receipt);
      } else if (answer && refused(answer)) {
        showErrors(answer.data.errors);
      } else if (answer && answer.status === 429 && answer.data && answer.data.error) {
        await keepForLater(report, answer.data.error);
      } else if (!answer || answer.status >= 500 || answer.status === 200 || answer.status === 201) {
        // Unreachable, a gateway error, or a 200 that was not our server: keep it and send
        // it later with the same key (if it did arrive, the server returns the first receipt).
        await keepForLater(report);
      } else {
        showTopMessage(text("SendFailed"));
      }
    } finally {
      setBusy(false);
    }
  });

  // ------------------------------------------------------------------ sending what is kept

  let flushing = null;
  let flushAgain = false;

  function withLock(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("safetynet-report-flush", work); // one tab at a time
    }
    return work();
  }

  async function flushOnce() {
    const records = (await allKept()).filter((record) => !record.rejectedAt);
    records.sort((a, b) => a.createdAt - b.createdAt);
    const codes = [];
    for (const record of records) {
      let report;
      try {
        report = await unseal(record);
      } catch (error) {
        continue; // cannot be opened (its key was cleared with the site's data): nothing to send
      }
      let answer;
      try {
        answer = await post(report, true);
      } catch (error) {
        break; // still no network: later
      }
      if (received(answer)) {
        await deleteKept(record.id);
        codes.push(answer.data.receipt);
      } else if (refused(answer)) {
        report.errors = answer.data.errors;
        await keep(report, record.id, record.createdAt, Date.now());
      } else {
        if (answer.status === 429) {
          pausedUntil = Date.now() + LIMITED_PAUSE_MS;
        }
        break; // rate limited (429) or the server is unwell: later
      }
    }
    return codes;
  }

  function flush() {
    if (!canKeep || navigator.onLine === false) {
      return Promise.resolve();
    }
    if (flushing) {
      flushAgain = true;
      return flushing;
    }
    flushing = (async () => {
      do {
        flushAgain = false;
        try {
          showSent(await withLock(flushOnce));
        } catch (error) {
          // IndexedDB unavailable (a private window): nothing kept, nothing to send
        }
      } while (flushAgain);
      await showKept();
    })().finally(() => { flushing = null; });
    return flushing;
  }

  // ------------------------------------------------------------------ service worker

  function askForSync() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.ready
        .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
        .catch(() => undefined);
    }
  }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(texts.swUrl || "/report/sw.js", { scope: texts.scope || "/report/" })
      .catch(() => undefined);
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "safetynet-report:flush") {
        flush();
      }
    });
  }

  // ------------------------------------------------------------------ location

  const locate = $("use-location");
  if (locate && "geolocation" in navigator && window.isSecureContext) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      const status = $("location-status");
      status.textContent = text("Locating");
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition((position) => {
        // Three decimals: about 100 m, enough to send help, not enough to find a doorstep.
        form.elements.latitude.value = position.coords.latitude.toFixed(3);
        form.elements.longitude.value = position.coords.longitude.toFixed(3);
        status.textContent = text("Located");
        locate.disabled = false;
      }, (error) => {
        status.textContent = text(error && error.code === 1 ? "LocationDenied" : "LocationFailed");
        locate.disabled = false;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  }

  // ------------------------------------------------------------------ start

  setFreshKey();
  showConnection();
  window.addEventListener("offline", () => setReachable(false));
  window.addEventListener("online", () => {
    setReachable(true);
    flush();
  });
  setInterval(retryNowAndThen, RETRY_MS);
  showKept().then(() => flush());
})();

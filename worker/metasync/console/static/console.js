// meta-sync console: live updates over Server-Sent Events. Every page is complete without this
// script; it only keeps progress, status and counts current. No dependencies.
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.events;
  if (!url || !window.EventSource) { return; }
  var FINAL = ["completed", "completed_with_errors", "failed", "cancelled"];
  var PHASES = { recent_window: "phase 1 (recent days)", historical_backfill: "phase 2 (history)" };
  var pageJob = body.dataset.jobId ? Number(body.dataset.jobId) : null;
  var last = body.dataset.lastEventId || "";

  function pct(v) { return Math.round(Number(v || 0)) + " %"; }
  function duration(s) {
    s = Math.max(0, Math.round(Number(s)));
    if (s < 60) { return s + " s"; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + " min " + String(s % 60).padStart(2, "0") + " s"; }
    return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
  }
  function each(root, selector, fn) { Array.prototype.forEach.call(root.querySelectorAll(selector), fn); }
  function setField(root, name, text) { each(root, '[data-field="' + name + '"]', function (el) { el.textContent = text; }); }
  function setBar(root, value) { each(root, 'progress', function (el) { el.value = Number(value || 0); el.textContent = pct(value); }); }
  function isFinal(d) { return FINAL.indexOf(d.status) >= 0; }

  function runningText(d) {
    if (!d.running || !d.running.length) { return "—"; }
    return d.running.map(function (c) {
      return c.chunk_type + (c.date_since ? " " + c.date_since + " – " + c.date_until : "");
    }).join("; ");
  }

  function updateBlock(root, d) {
    setBar(root, d.progress_percentage);
    setField(root, "pct", pct(d.progress_percentage));
    setField(root, "status", d.status);
    setField(root, "running", runningText(d));
    setField(root, "chunks", d.completed_chunks + " of " + d.total_chunks + " done" +
      (d.failed_chunks ? ", " + d.failed_chunks + " failed" : ""));
    if (d.campaigns_synced !== undefined) {
      setField(root, "entities", d.campaigns_synced + " campaigns, " + d.adsets_synced + " ad sets, " + d.ads_synced + " ads");
    }
    setField(root, "rows", String(d.insight_rows_written));
    setField(root, "eta", isFinal(d) ? "—" : (d.eta_seconds !== null && d.eta_seconds !== undefined ? "about " + duration(d.eta_seconds) : "estimating…"));
    setField(root, "error", d.last_error || "none");
    each(root, '[data-field="error"]', function (el) { el.classList.toggle("err", Boolean(d.last_error)); });
    if (isFinal(d) && d.job_id === pageJob) {
      each(document, "[data-hide-when-final]", function (el) { el.hidden = true; });
    }
    if (body.dataset.page === "badge") {
      setField(root, "label", isFinal(d) ? "Synced" : "Syncing");
    }
  }

  function follow(d) {
    var section = document.getElementById("handover");
    if (section) {
      section.hidden = false;
      each(section, '[data-field="follow-link"]', function (a) { a.href = "/console/jobs/" + d.job_id; a.textContent = "job " + d.job_id; });
      setBar(section, d.progress_percentage);
      setField(section, "pct", pct(d.progress_percentage));
      setField(section, "status", d.status);
      if (d.status === "completed") { setField(section, "handover-text", "The recent days and the history are in"); }
    }
    if (body.dataset.page === "badge") {
      setField(document, "label", isFinal(d) ? "Synced" : "History " + pct(d.progress_percentage));
    }
  }

  function updateRow(d) {
    var cell = document.querySelector('[data-running="' + d.account_id + '"]');
    if (!cell || cell.querySelector('[data-job-progress="' + d.job_id + '"]') || isFinal(d)) { return; }
    var link = document.createElement("a");
    link.href = "/console/jobs/" + d.job_id;
    link.textContent = PHASES[d.sync_phase] || d.sync_phase;
    var wrap = document.createElement("span");
    wrap.className = "progress";
    wrap.dataset.jobProgress = d.job_id;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.setAttribute("aria-label", "progress of job " + d.job_id);
    var text = document.createElement("span");
    text.className = "pct";
    text.dataset.field = "pct";
    wrap.appendChild(bar);
    wrap.appendChild(text);
    cell.textContent = "";
    cell.appendChild(link);
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(wrap);
  }

  function onJob(d) {
    if (body.dataset.page === "accounts") { updateRow(d); }
    each(document, '[data-job-progress="' + d.job_id + '"]', function (el) {
      setBar(el, d.progress_percentage);
      setField(el, "pct", pct(d.progress_percentage));
    });
    each(document, '[data-job-eta="' + d.job_id + '"]', function (el) {
      el.textContent = isFinal(d) ? d.status : (d.eta_seconds != null ? "ETA in " + duration(d.eta_seconds) : "");
    });
    each(document, '[data-job="' + d.job_id + '"] [data-field="status"]', function (el) {
      if (isFinal(d)) { el.textContent = d.status; }
    });
    each(document, '[data-live-job="' + d.job_id + '"]', function (root) { updateBlock(root, d); });
    if (pageJob !== null && d.job_id !== pageJob && body.dataset.phase === "recent_window" &&
        d.sync_phase === "historical_backfill") {
      follow(d);
    }
  }

  function resync() {
    // The server could not replay what this page missed: read the page again (once per 10 s).
    var key = "metasync-resync:" + location.pathname;
    var before = Number(sessionStorage.getItem(key) || 0);
    if (Date.now() - before > 10000) {
      sessionStorage.setItem(key, String(Date.now()));
      location.reload();
    }
  }

  function connect() {
    var sep = url.indexOf("?") >= 0 ? "&" : "?";
    var source = new EventSource(url + (last ? sep + "after=" + encodeURIComponent(last) : ""));
    source.addEventListener("job", function (e) {
      if (e.lastEventId) { last = e.lastEventId; }
      onJob(JSON.parse(e.data));
    });
    source.addEventListener("resync", function (e) {
      if (e.lastEventId) { last = e.lastEventId; }
      resync();
    });
    source.onerror = function () {
      // EventSource reconnects by itself (sending Last-Event-ID); once closed, start again.
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 2000); }
    };
    body.dataset.live = "connected";
  }
  connect();
}());

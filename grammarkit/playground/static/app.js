// grammarkit playground: plain JavaScript, no build step, no dependencies.
// Every verdict comes from the server's JSON API (a thin layer over grammarkit's library);
// this file only draws it.
"use strict";

(() => {
  const DEBOUNCE_MS = 150;
  const $ = (id) => document.getElementById(id);
  const token = document.querySelector('meta[name="grammarkit-token"]').content;

  const ta = $("grammar");
  const overlay = $("overlay");
  const gutter = $("gutter");

  const state = {
    path: null,          // the grammar file, relative to the playground's folder
    syntax: "lark",
    newline: "\n",
    sidecar: null,       // where new samples are saved
    base: {},            // fingerprints of the files as loaded (for conflict checks)
    savedText: "",
    savedSamples: "[]",
    samples: [],         // {input, expected, description, source, result}
    diagnostics: [],
    lintedText: null,    // the text the diagnostics belong to
    nextSampleId: 1,
  };

  // Timings of the last analyses, for people and for the latency benchmark.
  const perf = (window.grammarkitPerf = { debounceMs: DEBOUNCE_MS, samples: [], lintSeq: 0, samplesSeq: 0 });

  // ------------------------------------------------------------------ the API

  class ApiError extends Error {
    constructor(message, status, body) { super(message); this.status = status; this.body = body || {}; }
  }

  async function api(path, body, signal) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Grammarkit-Token": token },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError("the playground server does not answer (was it stopped?)", 0);
    }
    let data = null;
    try { data = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok) {
      throw new ApiError((data && data.error) || `the server answered ${response.status}`, response.status, data);
    }
    return data;
  }

  function grammarRequest(extra) {
    return Object.assign({ grammar: ta.value, syntax: state.syntax, path: state.path || "<playground>" }, extra || {});
  }

  // ------------------------------------------------------------------ text helpers

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // An input as a person can read it: unprintable characters as escapes, highlighted.
  function shownInput(s) {
    const span = el("span", { class: "input" });
    if (s === "") { span.append(el("span", { class: "empty" }, "(empty)")); return span; }
    const re = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]/g;
    let last = 0, m;
    while ((m = re.exec(s)) !== null) {
      span.append(s.slice(last, m.index));
      const c = m[0];
      const code = c.charCodeAt(0);
      const names = { "\n": "\\n", "\t": "\\t", "\r": "\\r" };
      const shown = names[c] || (code < 0x100 ? "\\x" + code.toString(16).padStart(2, "0") : "\\u" + code.toString(16).padStart(4, "0"));
      span.append(el("span", { class: "esc" }, shown));
      if (c === "\n") span.append("\n");
      last = m.index + 1;
    }
    span.append(s.slice(last));
    return span;
  }

  // Positions: the server counts lines (split at \n) and columns in code points, 1-based;
  // JavaScript strings count UTF-16 units.
  function lineStarts(text) {
    const starts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return starts;
  }

  function toOffset(text, starts, line, column) {
    if (line < 1) return 0;
    if (line > starts.length) return text.length;
    let i = starts[line - 1];
    for (let c = 1; c < column && i < text.length && text[i] !== "\n"; c++) {
      i += text.codePointAt(i) > 0xffff ? 2 : 1;
    }
    return i;
  }

  // ------------------------------------------------------------------ the editor

  const SEVERITY_RANK = { error: 3, warning: 2, info: 1 };

  function ranges(text, diagnostics) {
    const starts = lineStarts(text);
    return diagnostics.slice(0, 1000).map((d) => {
      const s = toOffset(text, starts, d.line, d.column);
      const e = Math.max(s, toOffset(text, starts, d.end_line, d.end_column));
      return { s, e, severity: d.severity, d };
    });
  }

  function renderOverlay() {
    const text = ta.value;
    const stale = state.lintedText !== text;
    overlay.classList.toggle("stale", stale);
    const marks = stale ? [] : ranges(text, state.diagnostics);
    const points = new Set([0, text.length]);
    for (const m of marks) { points.add(m.s); points.add(m.e); }
    const sorted = [...points].sort((a, b) => a - b);
    const parts = [];
    for (let k = 0; k < sorted.length; k++) {
      const a = sorted[k];
      for (const m of marks) {
        if (m.s === a && m.e === m.s) parts.push(`<span class="pt ${m.severity}"></span>`);
      }
      if (k === sorted.length - 1) break;
      const b = sorted[k + 1];
      let best = null;
      for (const m of marks) {
        if (m.s <= a && m.e >= b && m.e > m.s && (!best || SEVERITY_RANK[m.severity] > SEVERITY_RANK[best])) best = m.severity;
      }
      const chunk = escapeHtml(text.slice(a, b));
      parts.push(best ? `<span class="m ${best}">${chunk}</span>` : chunk);
    }
    overlay.innerHTML = parts.join("") + "\n ";
    const lines = starts_count(text);
    if (gutter.dataset.lines !== String(lines)) {
      gutter.dataset.lines = String(lines);
      let numbers = "";
      for (let i = 1; i <= lines; i++) numbers += i + "\n";
      gutter.textContent = numbers + " ";
    }
    syncScroll();
  }

  function starts_count(text) {
    let n = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
    return n;
  }

  function syncScroll() {
    overlay.scrollTop = ta.scrollTop;
    overlay.scrollLeft = ta.scrollLeft;
    gutter.scrollTop = ta.scrollTop;
  }

  function selectRange(d) {
    const text = ta.value;
    const starts = lineStarts(text);
    const s = toOffset(text, starts, d.line, d.column);
    const e = Math.max(s, toOffset(text, starts, d.end_line, d.end_column));
    ta.focus();
    ta.setSelectionRange(s, e);
    // Scroll the selection into view.
    const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 20;
    const top = (d.line - 1) * lineHeight;
    if (top < ta.scrollTop || top > ta.scrollTop + ta.clientHeight - 2 * lineHeight) ta.scrollTop = Math.max(0, top - ta.clientHeight / 3);
    syncScroll();
    showHere();
  }

  // The diagnostics at the caret, in one line under the editor.
  function showHere() {
    const here = $("here");
    if (state.lintedText !== ta.value) { here.textContent = ""; return; }
    const pos = ta.selectionStart;
    const found = ranges(ta.value, state.diagnostics).filter((m) => m.s <= pos && pos <= Math.max(m.e, m.s + 1));
    here.textContent = found.map((m) => `${m.d.code} ${m.d.message}`).join(" · ");
    here.title = here.textContent;
  }

  // Hovering an underline shows its diagnostics as the editor's tooltip (the textarea lies
  // over the underlines, so the position is worked out from the monospace grid).
  let charWidth = 0;
  function hoverTip(ev) {
    if (state.lintedText !== ta.value || !state.diagnostics.length) { ta.title = ""; return; }
    const style = getComputedStyle(ta);
    if (!charWidth) {
      const context = document.createElement("canvas").getContext("2d");
      context.font = style.font;
      charWidth = context.measureText("0".repeat(100)).width / 100 || 8;
    }
    const box = ta.getBoundingClientRect();
    const lineHeight = parseFloat(style.lineHeight) || 20;
    const x = ev.clientX - box.left - parseFloat(style.paddingLeft) + ta.scrollLeft;
    const y = ev.clientY - box.top - parseFloat(style.paddingTop) + ta.scrollTop;
    const line = Math.floor(y / lineHeight) + 1;
    const column = Math.floor(x / charWidth) + 1;
    const at = (d) => (d.line < line || (d.line === line && d.column <= column))
      && (d.end_line > line || (d.end_line === line && (d.end_column > column || (d.end_column === d.column && d.column === column))));
    const found = state.diagnostics.filter(at);
    ta.title = found.map((d) => `${d.code} ${d.message}${d.hint ? "\nhint: " + d.hint : ""}`).join("\n\n");
  }

  // Replace the whole text, keeping the editor's undo history where the browser allows.
  function replaceText(text) {
    ta.focus();
    ta.select();
    let done = false;
    try { done = document.execCommand("insertText", false, text); } catch (_) { done = false; }
    if (!done || ta.value !== text) ta.value = text;
    ta.setSelectionRange(0, 0);
    onEdit(null, true);
  }

  // ------------------------------------------------------------------ diagnostics

  function renderDiagnostics(result) {
    const list = $("diagnostics");
    list.replaceChildren();
    for (const d of result.diagnostics) {
      const code = el("span", { class: "code", title: "what this rule is about", onclick: (ev) => { ev.stopPropagation(); showRule(d.code); } }, d.code);
      const item = el("li", { "data-code": d.code, onclick: () => selectRange(d) },
        el("span", { class: `sev ${d.severity}`, title: d.severity }), code, " ",
        el("span", { class: "pos" }, `${d.line}:${d.column}`), " ", d.message);
      if (d.hint) item.append(el("div", { class: "hint" }, "hint: " + d.hint));
      if (d.witness) {
        item.append(el("div", { class: "witness" }, `${d.witness.accepted ? "accepted" : "rejected"} by llguidance: `,
          shownInput(d.witness.input), d.witness.note ? ` (${d.witness.note})` : ""));
      }
      if (d.fix) {
        item.append(el("button", {
          type: "button", class: `fix ${d.fix.safety}`, title: d.fix.safety === "unsafe" ? "unsafe: what the grammar accepts changes" : "safe: the grammar accepts the same inputs",
          onclick: (ev) => { ev.stopPropagation(); applyFix(d); },
        }, `Fix: ${d.fix.title}${d.fix.safety === "unsafe" ? " (unsafe)" : ""}`));
      }
      list.append(item);
    }
    const c = result.counts;
    const counts = $("counts");
    counts.replaceChildren();
    if (!result.diagnostics.length) counts.append(el("span", { class: "badge ok" }, "no problems"));
    for (const [key, label] of [["error", "error"], ["warning", "warning"], ["info", "info"]]) {
      if (c[key]) counts.append(el("span", { class: key }, `${c[key]} ${label}${c[key] === 1 ? "" : "s"}`), " ");
    }
    counts.append(el("span", { class: "muted" }, ` · linted in ${result.ms} ms`));
    $("fix-all").disabled = !result.diagnostics.some((d) => d.fix);
  }

  async function applyFix(d) {
    try {
      const result = await api("/api/fix", grammarRequest({ code: d.code, line: d.line, column: d.column }));
      if (result.changed) replaceText(result.grammar);
    } catch (err) { showError(err.message); }
  }

  async function fixAll() {
    try {
      const result = await api("/api/fix", grammarRequest({ unsafe: $("unsafe").checked, samples: sampleRequests() }));
      if (result.changed) replaceText(result.grammar);
      const said = [];
      if (result.applied.length) said.push(`applied ${result.applied.length} fix${result.applied.length === 1 ? "" : "es"}`);
      if (result.skipped.length) said.push("skipped: " + result.skipped.join("; "));
      if (said.length) showNote(said.join(" · "));
    } catch (err) { showError(err.message); }
  }

  async function showRule(code) {
    try {
      const rule = await api("/api/rule", { code });
      $("rule-title").textContent = `${rule.code} ${rule.name} (${rule.severity})`;
      $("rule-doc").textContent = rule.doc;
      $("rule-dialog").showModal();
    } catch (err) { showError(err.message); }
  }

  // ------------------------------------------------------------------ analysis as you type

  let debounceTimer = null;
  let lintInFlight = false;
  let lintAgain = false;
  let lastKeystroke = null;   // performance.now() of the edit not yet drawn
  let followUps = null;       // AbortController of the samples/stats/tool requests

  function onEdit(event, immediate) {
    if (event) lastKeystroke = event.timeStamp || performance.now();
    else lastKeystroke = performance.now();
    renderOverlay();
    showHere();
    updateFileStatus();
    $("glance").classList.add("stale");
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(runLint, immediate ? 0 : DEBOUNCE_MS);
  }

  async function runLint() {
    if (lintInFlight) { lintAgain = true; return; }
    lintInFlight = true;
    const text = ta.value;
    const keystroke = lastKeystroke;
    const sent = performance.now();
    let result = null;
    try {
      result = await api("/api/lint", grammarRequest());
    } catch (err) {
      $("counts").replaceChildren(el("span", { class: "error" }, err.message));
    }
    const received = performance.now();
    lintInFlight = false;
    if (ta.value !== text) { runLint(); return; }   // typed meanwhile: the newest text wins
    if (result) {
      state.diagnostics = result.diagnostics;
      state.lintedText = text;
      renderDiagnostics(result);
      renderOverlay();
      showHere();
      const rendered = performance.now();
      const seq = ++perf.lintSeq;
      afterPaint(() => {
        const drawn = performance.now();
        const entry = {
          seq, serverMs: result.ms, requestToDrawnMs: drawn - sent,
          responseMs: received - sent, renderMs: rendered - received, paintMs: drawn - rendered,
        };
        if (keystroke !== null) {
          entry.keystrokeToDrawnMs = drawn - keystroke;
          entry.debounceMs = sent - keystroke;
        }
        perf.samples.push(entry);
        if (perf.samples.length > 1000) perf.samples.shift();
        document.body.dataset.lintSeq = String(seq);
        // The samples, stats and tool requests go out once the diagnostics are on screen.
        if (!lintInFlight && ta.value === text) refreshFollowUps();
      });
      if (lastKeystroke === keystroke) lastKeystroke = null;
    }
    if (lintAgain) { lintAgain = false; runLint(); return; }
    if (!result) refreshFollowUps();
  }

  function afterPaint(fn) {
    requestAnimationFrame(() => setTimeout(fn, 0));
  }

  // Samples and the tool definition follow each lint, the stats (which measure the
  // grammar's use of llguidance's limits by compiling it several times) a pause in typing;
  // the newest request wins.
  const STATS_PAUSE_MS = 600;
  let statsTimer = null;

  function refreshFollowUps() {
    if (followUps) followUps.abort();
    followUps = new AbortController();
    const signal = followUps.signal;
    checkSamples(signal);
    if (activeTab === "tool") refreshTool(signal);
    clearTimeout(statsTimer);
    statsTimer = setTimeout(() => refreshStats(signal, false), STATS_PAUSE_MS);
  }

  // ------------------------------------------------------------------ samples

  function sampleRequests() {
    return state.samples.map((s) => ({ input: s.input, expected: s.expected }));
  }

  let samplesController = null;

  async function checkSamples(signal) {
    if (samplesController) samplesController.abort();
    const controller = (samplesController = new AbortController());
    if (signal) signal.addEventListener("abort", () => controller.abort());
    const snapshot = state.samples.slice();
    if (!snapshot.length) { renderSamples(); return; }
    $("samples").classList.add("pending");
    try {
      const result = await api("/api/samples", grammarRequest({ samples: sampleRequests() }), controller.signal);
      snapshot.forEach((s, i) => { s.result = result.results[i] || null; });
      $("samples-note").textContent = result.unavailable || (result.lark_unavailable ? `Lark: ${result.lark_unavailable}` : "");
      $("samples-note").className = result.unavailable ? "error" : "muted";
      perf.samplesSeq++;
      document.body.dataset.samplesSeq = String(perf.samplesSeq);
    } catch (err) {
      if (err.name === "AbortError") return;
      $("samples-note").textContent = err.message;
      $("samples-note").className = "error";
    }
    $("samples").classList.remove("pending");
    renderSamples();
  }

  function verdictCell(value) {
    if (value === true) return el("td", { class: "yes" }, "✓ accepts");
    if (value === false) return el("td", { class: "no" }, "✗ rejects");
    return el("td", { class: "na", title: "did not run" }, "—");
  }

  function rejectionBlock(error, caret, label) {
    if (!error) return null;
    return el("div", { class: "rejection" },
      el("span", { class: "msg" }, `${label}${error.line ? ` ${error.line}:${error.column}` : ""}: ${error.message}`),
      caret ? el("pre", {}, caret.join("\n")) : null);
  }

  function renderTree(tree) {
    let budget = 3000;
    const build = (node) => {
      if (budget-- <= 0) return el("li", { class: "muted" }, "…");
      if (node.rule !== undefined) {
        const li = el("li", {}, el("span", { class: "rule" }, node.rule));
        if (node.children.length) li.append(el("ul", {}, node.children.map(build)));
        return li;
      }
      return el("li", {}, el("span", { class: "tok" }, node.token + " "), el("span", { class: "val" }, shownInput(node.value)));
    };
    return el("ul", { class: "tree" }, build(tree));
  }

  function countNodes(tree) {
    let n = 0;
    const stack = [tree];
    while (stack.length) { const t = stack.pop(); n++; if (t.children) stack.push(...t.children); }
    return n;
  }

  function renderSamples() {
    const body = $("samples").tBodies[0];
    body.replaceChildren();
    state.samples.forEach((s, index) => {
      const r = s.result;
      const expect = el("select", { class: "expect", title: "what the tool should do with this input", onchange: (ev) => {
        s.expected = ev.target.value === "valid"; updateFileStatus(); checkSamples();
      } }, el("option", { value: "valid" }, "valid"), el("option", { value: "invalid" }, "invalid"));
      expect.value = s.expected ? "valid" : "invalid";
      let status = el("span", { class: "muted" }, "…");
      if (r) {
        if (!r.as_expected) status = el("span", { class: "badge bad", title: s.expected ? "should be accepted, but llguidance rejects it" : "should be rejected, but llguidance accepts it" }, "mismatch");
        else if (r.disagreement) status = el("span", { class: "badge warn", title: r.notes.join("\n") }, "engines disagree");
        else status = el("span", { class: "badge ok" }, "as expected");
      }
      const row = el("tr", { class: r ? (r.as_expected && !r.disagreement ? "ok" : "mismatch") : "pending", "data-index": String(index) },
        el("td", {}, shownInput(s.input), s.description ? el("div", { class: "muted" }, s.description) : null),
        el("td", {}, expect),
        r ? verdictCell(r.engines.llguidance) : el("td", { class: "na" }, "…"),
        r ? verdictCell(r.engines.lark) : el("td", { class: "na" }, "…"),
        el("td", {}, status),
        el("td", {}, el("button", { type: "button", class: "x", title: "remove this sample", onclick: () => {
          state.samples.splice(state.samples.indexOf(s), 1); updateFileStatus(); renderSamples();
        } }, "✕")));
      body.append(row);
      if (!r) return;
      const detail = [];
      detail.push(rejectionBlock(r.error, r.caret, "llguidance"));
      if (r.lark_error && (!r.error || r.lark_error.message !== r.error.message || r.disagreement)) {
        detail.push(rejectionBlock(r.lark_error, r.lark_caret, "Lark"));
      }
      for (const note of r.notes) detail.push(el("div", { class: "notes" }, note));
      if (r.tree) {
        const box = el("details", { class: "tree-box" }, el("summary", {}, `parse tree (${countNodes(r.tree)} nodes)`));
        box.addEventListener("toggle", () => { if (box.open && box.children.length === 1) box.append(renderTree(r.tree)); }, { once: false });
        if (s.openTree) { box.open = true; box.append(renderTree(r.tree)); }
        box.addEventListener("toggle", () => { s.openTree = box.open; });
        detail.push(box);
      }
      const shown = detail.filter(Boolean);
      if (shown.length) body.append(el("tr", { class: "detail" }, el("td", { colspan: "6" }, shown)));
    });
  }

  function addSample(input, expected, description) {
    state.samples.push({ input, expected, description: description || "", source: "", result: null, id: state.nextSampleId++ });
    updateFileStatus();
    checkSamples();
  }

  // ------------------------------------------------------------------ generate

  async function generate() {
    const button = $("generate");
    button.disabled = true;
    $("gen-note").textContent = "drawing…";
    const seed = $("gen-seed").value === "" ? null : Number($("gen-seed").value);
    try {
      const result = await api("/api/generate", grammarRequest({
        n: Number($("gen-n").value) || 10, seed, max_bytes: Number($("gen-max").value) || 256,
        tokenizer: $("gen-tokenizer").value,
      }));
      const list = $("generated");
      list.replaceChildren();
      for (const input of result.samples) {
        const item = el("li", {}, shownInput(input));
        const add = (expected) => (ev) => { addSample(input, expected); ev.target.parentNode.classList.add("added"); ev.target.textContent = "added"; ev.target.disabled = true; };
        item.append(el("button", { type: "button", onclick: add(true) }, "+ valid"), el("button", { type: "button", onclick: add(false) }, "+ invalid"));
        list.append(item);
      }
      const notes = [`seed ${result.seed}`, ...result.notes];
      if (result.shortfall) notes.push(result.shortfall);
      $("gen-note").textContent = notes.join(" · ");
      $("gen-note").className = "muted";
    } catch (err) {
      $("gen-note").textContent = err.message;
      $("gen-note").className = "error";
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ tool definition

  async function refreshTool(signal) {
    const name = $("tool-name").value;
    try {
      const result = await api("/api/tool", grammarRequest({ name, description: $("tool-description").value }), signal);
      $("tool-error").replaceChildren();
      if (result.error) {
        $("tool-error").append(el("div", {}, result.error), ...result.errors.map((e) => el("div", { class: "muted" }, e)));
        $("tool-responses").textContent = "";
        $("tool-chat").textContent = "";
        return;
      }
      $("tool-responses").textContent = JSON.stringify(result.responses, null, 2);
      $("tool-chat").textContent = JSON.stringify(result.chat, null, 2);
    } catch (err) {
      if (err.name !== "AbortError") $("tool-error").textContent = err.message;
    }
  }

  async function copy(id, button) {
    const text = $(id).textContent;
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents($(id));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      document.execCommand("copy");
      sel.removeAllRanges();
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy"; }, 1200);
  }

  function defaultToolName(path) {
    if (!path) return "my_tool";
    const stem = path.split("/").pop().replace(/\.(lark|regex)$/i, "");
    const name = stem.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
    return name || "my_tool";
  }

  // ------------------------------------------------------------------ stats

  const COUNT_LABELS = [
    ["rules", "rules"], ["terminals", "terminals"], ["alternatives", "alternatives"],
    ["string_literals", "string literals"], ["regex_literals", "regex literals"],
    ["max_nesting", "max nesting"], ["ignores", "%ignore"], ["imports", "imported names"],
  ];

  async function refreshStats(signal, measure) {
    try {
      const s = await api("/api/stats", grammarRequest({ measure }), signal);
      renderStats(s, measure);
    } catch (err) {
      if (err.name !== "AbortError") $("glance").textContent = err.message;
    }
  }

  function renderStats(s, measured) {
    const glance = $("glance");
    glance.replaceChildren();
    glance.classList.remove("stale");
    const bits = [[s.rules, "rules"], [s.terminals, "terminals"], [s.alternatives, "alternatives"]];
    bits.forEach(([n, label], i) => glance.append(i ? " · " : "", el("b", {}, n.toLocaleString()), ` ${label}`));
    if (s.compiles === true) glance.append(" · llguidance ", el("b", {}, "compiles it"));
    else if (s.compiles === false) glance.append(" · llguidance ", el("b", { class: "error" }, "rejects it"));
    for (const u of s.limits.slice(0, 3)) {
      if (u.shown === "-") continue;
      glance.append(" · ", el("span", { title: `${u.what}: ${u.shown} of ${u.limit.toLocaleString()}` }, `${u.name} `, el("b", {}, u.share)));
    }
    const counts = $("counts-table");
    counts.replaceChildren(...COUNT_LABELS.map(([key, label]) => el("tr", {}, el("td", {}, label), el("td", {}, (s[key] || 0).toLocaleString()))));
    counts.append(el("tr", {}, el("td", {}, "size"), el("td", {}, `${s.characters.toLocaleString()} characters, ${s.lines.toLocaleString()} lines`)));
    $("compiles").textContent = s.compiles === true ? `llguidance compiles it (measured in ${s.seconds} s${measured ? "" : ", quick estimate"})`
      : s.compiles === false ? `llguidance does not compile it: ${s.error}` : (s.error || "");
    const table = $("limits-table");
    table.replaceChildren(el("tr", {}, el("th", {}, "limit"), el("th", {}, "measures"), el("th", {}, "used"), el("th", {}, "of"), el("th", {}, "share")));
    for (const u of s.limits) {
      table.append(el("tr", { title: u.note || "" }, el("td", {}, u.name), el("td", {}, u.what), el("td", { class: "num" }, u.shown),
        el("td", { class: "num" }, u.limit.toLocaleString()), el("td", {}, u.share)));
    }
  }

  // ------------------------------------------------------------------ files

  function snapshotSamples() {
    return JSON.stringify(state.samples.map((s) => [s.input, s.expected, s.description, s.source]));
  }

  function dirty() {
    return ta.value !== state.savedText || snapshotSamples() !== state.savedSamples;
  }

  function updateFileStatus(message) {
    const status = $("file-status");
    if (message) { status.textContent = message; status.className = "muted"; return; }
    const isDirty = dirty();
    status.textContent = isDirty ? "unsaved changes" : (state.path ? "saved" : "");
    status.className = isDirty ? "dirty" : "muted";
  }

  function showBanner(text, { conflict = false, bad = false } = {}) {
    $("banner").hidden = false;
    $("banner").classList.toggle("bad", bad);
    $("banner-text").textContent = text;
    $("banner-reload").hidden = !conflict;
    $("banner-overwrite").hidden = !conflict;
  }

  function hideBanner() { $("banner").hidden = true; }
  function showError(message) { showBanner(message, { bad: true }); }
  function showNote(message) { showBanner(message); }

  function applyLoaded(data) {
    state.path = data.path;
    state.syntax = data.syntax || "lark";
    state.newline = data.newline || "\n";
    state.sidecar = data.sidecar || null;
    state.base = data.base || {};
    $("path").value = data.path || "";
    $("syntax").value = state.syntax;
    $("tool-name").value = defaultToolName(data.path);
    state.samples = (data.samples || []).map((s) => Object.assign({ result: null, id: state.nextSampleId++ }, s));
    state.savedSamples = snapshotSamples();
    state.savedText = data.grammar;
    ta.value = data.grammar;
    state.lintedText = null;
    renderSamples();
    onEdit(null, true);
    updateFileStatus(data.exists === false ? "new file" : null);
  }

  function fillFileList(files) {
    $("file-list").replaceChildren(...(files || []).map((f) => el("option", { value: f })));
  }

  async function load(path) {
    try {
      const data = await api("/api/file/load", path ? { path } : {});
      fillFileList(data.files);
      if (data.grammar === null) {
        applyLoaded({ path: null, grammar: STARTER, syntax: "lark", samples: STARTER_SAMPLES, base: {} });
        state.savedText = "";
        updateFileStatus();
      } else {
        applyLoaded(data);
      }
      hideBanner();
    } catch (err) {
      showError(err.message);
    }
  }

  async function save(force) {
    const path = $("path").value.trim();
    if (!path) { showError("give the file a name first (e.g. my_tool.lark)"); $("path").focus(); return; }
    if (path !== state.path) state.base = {};   // a new name: nothing was loaded from it
    const request = {
      path, grammar: ta.value, newline: state.newline, force: !!force, base: state.base,
      samples: state.samples.map((s) => ({ input: s.input, expected: s.expected, description: s.description, source: s.source })),
    };
    try {
      const result = await api("/api/file/save", request);
      state.path = result.path;
      state.base = result.base;
      const sidecars = Object.keys(result.base).filter((k) => k !== result.path);
      state.sidecar = state.sidecar && path === state.path ? state.sidecar : sidecars[0] || null;
      for (const s of state.samples) if (!s.source && state.sidecar) s.source = state.sidecar;
      state.savedText = ta.value;
      state.savedSamples = snapshotSamples();
      hideBanner();
      updateFileStatus(`saved ${result.written.join(", ")}`);
      if (!$("tool-name").value || $("tool-name").value === "my_tool") $("tool-name").value = defaultToolName(result.path);
    } catch (err) {
      if (err.status === 409 && err.body.conflict) showBanner(err.message, { conflict: true });
      else showError(err.message);
    }
  }

  const STARTER = 'start: greeting " " NAME\ngreeting: "hello" | "hi"\nNAME: /[A-Z][a-z]{0,15}/\n';
  const STARTER_SAMPLES = [
    { input: "hello World", expected: true, description: "", source: "" },
    { input: "hi  there", expected: false, description: "", source: "" },
  ];

  // ------------------------------------------------------------------ tabs and wiring

  let activeTab = "samples";

  function showTab(name) {
    activeTab = name;
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
    for (const t of document.querySelectorAll(".tab")) t.hidden = t.id !== `tab-${name}`;
    if (name === "tool") refreshTool();
  }

  ta.addEventListener("input", (ev) => onEdit(ev, false));
  ta.addEventListener("scroll", syncScroll);
  ta.addEventListener("mousemove", hoverTip);
  for (const type of ["keyup", "click", "select"]) ta.addEventListener(type, showHere);
  $("syntax").addEventListener("change", (ev) => { state.syntax = ev.target.value; onEdit(null, true); });
  $("fix-all").addEventListener("click", fixAll);
  $("add-valid").addEventListener("click", () => { addSample($("new-sample").value, true); $("new-sample").value = ""; });
  $("add-invalid").addEventListener("click", () => { addSample($("new-sample").value, false); $("new-sample").value = ""; });
  $("new-sample").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); $("add-valid").click(); }
  });
  $("generate").addEventListener("click", generate);
  $("measure").addEventListener("click", async () => {
    $("stats-note").textContent = "measuring…";
    await refreshStats(undefined, true);
    $("stats-note").textContent = "";
  });
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  for (const b of document.querySelectorAll("button.copy")) b.addEventListener("click", () => copy(b.dataset.copy, b));
  let toolTimer = null;
  for (const id of ["tool-name", "tool-description"]) {
    $(id).addEventListener("input", () => { clearTimeout(toolTimer); toolTimer = setTimeout(() => refreshTool(), DEBOUNCE_MS); });
  }
  $("save").addEventListener("click", () => save(false));
  $("reload").addEventListener("click", () => {
    if (!state.path) return;
    if (dirty() && !confirm("Discard your changes and load the file from disk?")) return;
    load(state.path);
  });
  $("open").addEventListener("click", () => {
    const path = $("path").value.trim();
    if (!path) return;
    if (dirty() && !confirm("Discard your changes and open another file?")) return;
    load(path);
  });
  $("path").addEventListener("change", () => {
    const path = $("path").value.trim();
    if (/\.regex$/i.test(path) && state.syntax !== "regex") { state.syntax = "regex"; $("syntax").value = "regex"; onEdit(null, true); }
    if (/\.lark$/i.test(path) && state.syntax !== "lark") { state.syntax = "lark"; $("syntax").value = "lark"; onEdit(null, true); }
  });
  $("banner-close").addEventListener("click", hideBanner);
  $("banner-reload").addEventListener("click", () => load(state.path));
  $("banner-overwrite").addEventListener("click", () => save(true));
  document.addEventListener("keydown", (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "s") { ev.preventDefault(); save(false); }
  });
  window.addEventListener("beforeunload", (ev) => { if (dirty()) { ev.preventDefault(); ev.returnValue = ""; } });

  load(null);
})();

// wordspace explorer: plain JavaScript, no libraries, everything served locally.
"use strict";

const $ = (sel) => document.querySelector(sel);
let info = null;

// ------------------------------------------------------------------ API + messages
async function api(path, params) {
  const url = path + "?" + new URLSearchParams(params).toString();
  let resp;
  try {
    resp = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (e) {
    throw new Error("the explorer server is not reachable (is `wordspace explore` still running?)");
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) {
    throw new Error((data && data.error) || ("request failed with status " + resp.status));
  }
  return data;
}

function showMessage(text) {
  const m = $("#message");
  m.textContent = text;
  m.hidden = false;
}
function clearMessage() { $("#message").hidden = true; $("#message").textContent = ""; }

function fmt(x, digits = 3) {
  return (x === null || x === undefined) ? "–" : Number(x).toFixed(digits);
}
function fmtValue(x) {
  if (x === null || x === undefined) return "–";
  const a = Math.abs(x);
  return (a !== 0 && (a >= 1e5 || a < 1e-2)) ? Number(x).toExponential(2) : Number(x).toFixed(2);
}

function wordLink(word) {
  const a = document.createElement("a");
  a.textContent = word;
  a.dataset.word = word;
  a.addEventListener("click", () => search(word));
  return a;
}

// ------------------------------------------------------------------------- search
async function search(word) {
  word = (word || "").trim();
  if (!word) return;
  $("#word").value = word;
  const n = Math.max(1, Math.min(200, parseInt($("#topn").value, 10) || 15));
  clearMessage();
  try {
    const [nb, mp] = await Promise.all([
      api("/api/neighbors", { word, n }),
      api("/api/map", { word, n: Math.max(n, 30) }),
    ]);
    renderNeighbors(nb);
    mapView.setData(mp);
    $("#map-title").textContent = "of “" + nb.word + "”";
    document.title = nb.word + " · wordspace explorer";
  } catch (e) {
    showMessage(e.message);
  }
}

function renderNeighbors(data) {
  const tbody = $("#neighbors tbody");
  tbody.replaceChildren();
  data.neighbors.forEach((r, i) => {
    const tr = document.createElement("tr");
    const c0 = document.createElement("td"); c0.className = "num"; c0.textContent = i + 1;
    const c1 = document.createElement("td"); c1.appendChild(wordLink(r.word));
    const c2 = document.createElement("td"); c2.className = "num cosine";
    c2.textContent = fmt(r.cosine);
    const bar = document.createElement("span"); bar.className = "bar";
    bar.style.width = Math.max(0, r.cosine) * 60 + "px";
    c2.appendChild(bar);
    const c3 = document.createElement("td"); c3.className = "num value-col";
    c3.textContent = fmtValue(r.value);
    tr.append(c0, c1, c2, c3);
    tbody.appendChild(tr);
  });
}

// ------------------------------------------------------------ analogy, similarity
async function analogy() {
  const a = $("#a").value.trim(), b = $("#b").value.trim(), c = $("#c").value.trim();
  const ol = $("#analogy-results");
  clearMessage();
  try {
    const data = await api("/api/analogy", { a, b, c, n: 10 });
    ol.replaceChildren();
    data.results.forEach((r) => {
      const li = document.createElement("li");
      li.appendChild(wordLink(r.word));
      const s = document.createElement("span"); s.textContent = fmt(r.score);
      li.appendChild(s);
      ol.appendChild(li);
    });
  } catch (e) {
    ol.replaceChildren();
    showMessage(e.message);
  }
}

async function similarity() {
  const w1 = $("#w1").value.trim(), w2 = $("#w2").value.trim();
  const out = $("#similarity-result");
  clearMessage();
  try {
    const data = await api("/api/similarity", { w1, w2 });
    out.textContent = "cosine(" + data.w1 + ", " + data.w2 + ") = " + fmt(data.cosine, 4);
  } catch (e) {
    out.textContent = "";
    showMessage(e.message);
  }
}

// ---------------------------------------------------------------------------- map
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function viridis(t) {
  if (!(t >= 0)) t = 0;
  if (t > 1) t = 1;
  const x = t * (VIRIDIS.length - 1), i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + f * (VIRIDIS[i + 1][k] - v)));
  return "rgb(" + c.join(",") + ")";
}

class MapView {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.points = [];
    this.hover = -1;
    this.reset();
    this.drag = null;
    canvas.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
    canvas.addEventListener("pointerdown", (e) => this.onDown(e));
    window.addEventListener("pointermove", (e) => this.onMove(e));
    window.addEventListener("pointerup", (e) => this.onUp(e));
    canvas.addEventListener("pointerleave", () => { this.hover = -1; this.tooltip(); this.draw(); });
    canvas.addEventListener("dblclick", () => { this.reset(); this.draw(); });
    window.addEventListener("resize", () => this.draw());
  }
  reset() { this.scale = 1; this.tx = 0; this.ty = 0; }
  setData(data) {
    this.data = data;
    this.points = data.points;
    const xs = this.points.map((p) => p.x), ys = this.points.map((p) => p.y);
    this.bounds = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    const vals = this.points.map((p) => p.value).filter((v) => v !== null && v !== undefined);
    this.vmin = vals.length ? Math.min(...vals) : 0;
    this.vmax = vals.length ? Math.max(...vals) : 1;
    const legend = $("#map-legend");
    legend.hidden = !data.has_values;
    if (data.has_values) {
      $("#legend-min").textContent = fmtValue(this.vmin);
      $("#legend-max").textContent = fmtValue(this.vmax);
    }
    this.hover = -1;
    this.reset();
    this.draw();
  }
  size() {
    const r = this.canvas.getBoundingClientRect();
    return { w: Math.max(50, r.width), h: Math.max(50, r.height) };
  }
  toScreen(p) {
    // fit the points' bounding box into the canvas (same scale on both axes), then zoom/pan
    const { w, h } = this.size();
    const b = this.bounds;
    const R = Math.min((w - 120) / (b.x1 - b.x0 || 1), (h - 90) / (b.y1 - b.y0 || 1)) * this.scale;
    const cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
    return [w / 2 + (p.x - cx) * R + this.tx, h / 2 - (p.y - cy) * R + this.ty];
  }
  color(p, i) {
    if (this.data && this.data.has_values && p.value !== null && p.value !== undefined) {
      return viridis((p.value - this.vmin) / ((this.vmax - this.vmin) || 1));
    }
    return i === 0 ? "#c0392b" : "#2c6fb0";
  }
  draw() {
    const { w, h } = this.size();
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!this.points.length) {
      ctx.fillStyle = "#9aa5b1";
      ctx.font = "14px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.fillText("search a word to see its neighbourhood", w / 2, h / 2);
      return;
    }
    const scr = this.points.map((p) => this.toScreen(p));
    // points
    this.points.forEach((p, i) => {
      const [x, y] = scr[i];
      ctx.beginPath();
      ctx.arc(x, y, i === 0 ? 7 : 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = this.color(p, i);
      ctx.fill();
      ctx.lineWidth = i === 0 || i === this.hover ? 2 : 0.8;
      ctx.strokeStyle = i === 0 ? "#7b1d14" : (i === this.hover ? "#111" : "#fff");
      ctx.stroke();
    });
    // labels: greedy, the query word and the hovered one first, then by similarity
    const order = [...this.points.keys()];
    if (this.hover > 0) { order.splice(order.indexOf(this.hover), 1); order.splice(1, 0, this.hover); }
    const boxes = [];
    const dots = scr.map(([x, y]) => [x - 4, y - 4, x + 4, y + 4]);
    const overlaps = (b, list, skip) => list.some((o, k) => k !== skip &&
      o[0] < b[2] && o[2] > b[0] && o[1] < b[3] && o[3] > b[1]);
    const spots = [[1, -1], [1, 1], [-1, -1], [-1, 1]];
    for (const i of order) {
      const p = this.points[i];
      const bold = i === 0 || i === this.hover;
      ctx.font = (bold ? "600 14px" : "12px") + " system-ui, sans-serif";
      const tw = ctx.measureText(p.word).width, th = bold ? 14 : 12;
      const [x, y] = scr[i];
      for (const [sx, sy] of spots) {
        const left = sx > 0 ? x + 7 : x - 7 - tw;
        const top = sy > 0 ? y + 3 : y - 3 - th;
        const box = [left - 1, top - 1, left + tw + 1, top + th + 1];
        if (box[0] < 0 || box[1] < 0 || box[2] > w || box[3] > h) continue;
        if (!bold && (overlaps(box, boxes, -1) || overlaps(box, dots, i))) continue;
        boxes.push(box);
        ctx.fillStyle = i === 0 ? "#7b1d14" : (bold ? "#111" : "#33404d");
        ctx.textBaseline = "top";
        ctx.textAlign = "left";
        ctx.fillText(p.word, left, top);
        break;
      }
    }
  }
  nearest(ev) {
    const r = this.canvas.getBoundingClientRect();
    const mx = ev.clientX - r.left, my = ev.clientY - r.top;
    let best = -1, bestD = 100;  // within 10 px
    this.points.forEach((p, i) => {
      const [x, y] = this.toScreen(p);
      const d = (x - mx) ** 2 + (y - my) ** 2;
      if (d < bestD) { best = i; bestD = d; }
    });
    return best;
  }
  tooltip(ev) {
    const tip = $("#tooltip");
    if (this.hover < 0 || !ev) { tip.hidden = true; return; }
    const p = this.points[this.hover];
    let text = p.word + "  ·  cosine " + fmt(p.cosine);
    if (p.value !== undefined) text += "  ·  value " + fmtValue(p.value);
    tip.textContent = text;
    const r = this.canvas.getBoundingClientRect();
    tip.style.left = (ev.clientX - r.left + 12) + "px";
    tip.style.top = (ev.clientY - r.top + 12) + "px";
    tip.hidden = false;
  }
  onWheel(e) {
    e.preventDefault();
    const r = this.canvas.getBoundingClientRect();
    const { w, h } = this.size();
    const mx = e.clientX - r.left - w / 2, my = e.clientY - r.top - h / 2;
    const f = Math.exp(-e.deltaY * 0.0015);
    const ns = Math.min(40, Math.max(0.2, this.scale * f));
    const k = ns / this.scale;
    this.tx = mx - (mx - this.tx) * k;
    this.ty = my - (my - this.ty) * k;
    this.scale = ns;
    this.draw();
  }
  onDown(e) {
    this.drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
    this.canvas.classList.add("dragging");
  }
  onMove(e) {
    if (this.drag) {
      const dx = e.clientX - this.drag.x, dy = e.clientY - this.drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
      this.tx = this.drag.tx + dx;
      this.ty = this.drag.ty + dy;
      this.draw();
      return;
    }
    if (e.target !== this.canvas) return;
    const i = this.nearest(e);
    if (i !== this.hover) { this.hover = i; this.draw(); }
    this.tooltip(e);
  }
  onUp(e) {
    if (!this.drag) return;
    const clicked = !this.drag.moved && e.target === this.canvas;
    this.drag = null;
    this.canvas.classList.remove("dragging");
    if (clicked) {
      const i = this.nearest(e);
      if (i > 0) search(this.points[i].word);
    }
  }
}

let mapView = null;

// -------------------------------------------------------------------------- start
async function start() {
  mapView = new MapView($("#map"));
  mapView.draw();
  $("#search-form").addEventListener("submit", (e) => { e.preventDefault(); search($("#word").value); });
  $("#analogy-form").addEventListener("submit", (e) => { e.preventDefault(); analogy(); });
  $("#similarity-form").addEventListener("submit", (e) => { e.preventDefault(); similarity(); });
  try {
    info = await api("/api/info", {});
  } catch (e) {
    showMessage(e.message);
    return;
  }
  let text = info.title + " · " + info.words.toLocaleString() + " words × " + info.dimension + " dimensions";
  if (info.has_values) {
    text += " · values (" + info.value_name + ") " + fmtValue(info.value_range[0]) + " … " + fmtValue(info.value_range[1]);
    document.body.classList.add("has-values");
    $("#neighbors th.value-col").textContent = info.value_name;
  }
  $("#model-info").textContent = text;
  document.title = info.title + " · wordspace explorer";
  if (info.examples.length) $("#word").placeholder = "a word, e.g. " + info.examples[0];
  const ex = $("#examples");
  if (info.examples.length) {
    ex.append("try: ");
    info.examples.slice(0, 8).forEach((w) => ex.appendChild(wordLink(w)));
  }
  document.body.dataset.ready = "1";
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (fromHash) search(fromHash);
}

document.addEventListener("DOMContentLoaded", start);

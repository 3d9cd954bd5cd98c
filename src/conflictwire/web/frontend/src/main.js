// conflictwire dashboard: map (clustered markers + territorial layer), timeline brush, filters, sortable table and
// an event panel. Report text is untrusted: every string from the API goes into the page through textContent or
// createTextNode, never innerHTML.
import L from "./leaflet-global.js";
import "leaflet.markercluster";
import uPlot from "uplot";
import { feature } from "topojson-client";

const TYPE_COLOURS = {
  Battles: "#c0392b",
  "Explosions/Remote violence": "#e67e22",
  "Violence against civilians": "#8e44ad",
  Protests: "#2e86de",
  Riots: "#d4ac0d",
  "Strategic developments": "#5d6d7e",
};
const EVENT_TYPES = Object.keys(TYPE_COLOURS);
const TERRITORY = {
  "Non-state actor overtakes territory": { cls: "taken", verb: "took" },
  "Government regains territory": { cls: "regained", verb: "regained" },
};
const MAX_ROWS = 1000; // markers and table rows fetched per view; the summary says when there are more
const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"];

const state = {
  filters: { event_type: "", country: "", grade: "", q: "", date_from: "", date_to: "" },
  sort: "-event_date",
  selected: null,
  requestSeq: 0,
};

const $ = (sel) => document.querySelector(sel);

// --- small DOM helpers (text only) ---------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const txt = (v) => (v === null || v === undefined ? "" : String(v));

function query(params) {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === "" || v === null || v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x) => usp.append(k, x));
    else usp.append(k, v);
  }
  return usp.toString();
}

async function getJSON(url) {
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${res.status} ${res.statusText}`);
  return body;
}

function showError(err) {
  $("#summary").textContent = `Error: ${err.message}`;
}

// --- map -----------------------------------------------------------------------------------------------------
const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 18, zoomControl: true }).setView([20, 20], 2);
const outlines = L.geoJSON(null, {
  style: { color: "#7d8b9a", weight: 0.6, fillColor: "#f3f1ea", fillOpacity: 1 },
  interactive: false,
}).addTo(map);
// Online tiles exist only as an opt-in overlay: the page must work with no internet.
const tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
  maxZoom: 18,
  attribution: "© OpenStreetMap contributors",
});
const clusters = L.markerClusterGroup({
  showCoverageOnHover: false,
  maxClusterRadius: 45,
  spiderfyOnMaxZoom: true,
  chunkedLoading: true,
});
const territory = L.layerGroup();
map.addLayer(clusters);
map.addLayer(territory);
L.control
  .layers(
    { "Country outlines (offline)": outlines },
    { "Online map tiles (OpenStreetMap)": tiles, Events: clusters, "Territorial changes": territory },
    { collapsed: false, position: "topright" },
  )
  .addTo(map);

const legend = L.control({ position: "bottomleft" });
legend.onAdd = () => {
  const box = el("div", { class: "map-legend" });
  for (const t of EVENT_TYPES) {
    const sw = el("span", { class: "swatch" });
    sw.style.background = TYPE_COLOURS[t];
    box.append(el("div", {}, sw, t));
  }
  box.append(el("div", { text: "Marker size: fatalities" }));
  return box;
};
legend.addTo(map);

fetch("/static/countries-50m.json")
  .then((r) => r.json())
  .then((topo) => outlines.addData(feature(topo, topo.objects.countries)))
  .catch((err) => console.warn("basemap", err));

function markerSize(f) {
  return Math.round(12 + Math.min(26, 5 * Math.sqrt(Math.max(0, Number(f) || 0))));
}

const markersById = new Map();
function drawMarkers(events) {
  clusters.clearLayers();
  markersById.clear();
  const layers = [];
  for (const ev of events) {
    if (ev.latitude === null || ev.longitude === null || ev.latitude === undefined) continue;
    const size = markerSize(ev.fatalities);
    const icon = L.divIcon({ className: "cw-icon", iconSize: [size, size] });
    const m = L.marker([ev.latitude, ev.longitude], { icon, title: `${txt(ev.event_date)} ${txt(ev.sub_event_type)} — ${txt(ev.location)}` });
    m.on("add", () => styleMarker(m, ev));
    m.on("click", () => openEvent(ev.event_id));
    markersById.set(ev.event_id, m);
    layers.push(m);
  }
  clusters.addLayers(layers);
  $("#map").dataset.markers = String(layers.length);
}
function styleMarker(m, ev) {
  const node = m.getElement();
  if (!node) return;
  node.replaceChildren();
  const dot = el("div", { class: "cw-marker", "data-event-id": ev.event_id, "data-event-type": ev.event_type });
  dot.style.background = TYPE_COLOURS[ev.event_type] || "#34495e";
  if (ev.event_id === state.selected) dot.classList.add("selected");
  node.append(dot);
}

function drawTerritory(events) {
  territory.clearLayers();
  for (const ev of events) {
    const kind = TERRITORY[ev.sub_event_type];
    if (!kind || ev.latitude === null || ev.latitude === undefined) continue;
    const who = ev.actor1 || "Unknown actor";
    const label = `${who} ${kind.verb} ${ev.location || "territory"}`;
    const icon = L.divIcon({ className: "cw-icon", iconSize: null, iconAnchor: [0, 24] });
    const m = L.marker([ev.latitude, ev.longitude], { icon, zIndexOffset: 1000, keyboard: false });
    m.on("add", () => {
      const node = m.getElement();
      // Who and when on the label itself; the tooltip says the whole of it.
      const short = ev.actor1 ? ev.actor1.split(":")[0].slice(0, 24) : "actor unknown";
      node.replaceChildren(el("div", { class: `cw-territory ${kind.cls}`, "data-event-id": ev.event_id }, `⚑ ${short} · ${txt(ev.event_date)}`));
    });
    m.bindTooltip(() => el("span", {}, `${label} on ${txt(ev.event_date)}${ev.actor2 ? ` from ${ev.actor2}` : ""}`), { direction: "top" });
    m.on("click", () => openEvent(ev.event_id));
    territory.addLayer(m);
  }
}

// --- timeline (uPlot bars; drag to select a date range) --------------------------------------------------------
let plot = null;
function drawTimeline(allWeeks) {
  const byWeek = allWeeks.filter((w) => w.week); // undated events have no place on a timeline
  const box = $("#timeline");
  box.replaceChildren();
  plot = null;
  if (!byWeek.length) {
    box.append(el("div", { class: "note", text: "No dated events." }));
    return;
  }
  const xs = byWeek.map((w) => Date.parse(`${w.week}T00:00:00Z`) / 1000);
  const ys = byWeek.map((w) => w.events);
  const fs = byWeek.map((w) => w.fatalities || 0);
  const pad = 4 * 86400;
  const opts = {
    width: box.clientWidth || 800,
    height: 130,
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    select: { show: true },
    scales: { x: { time: true, range: [xs[0] - pad, xs[xs.length - 1] + 7 * 86400 + pad] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    axes: [{ stroke: "#5b6575", grid: { show: false } }, { stroke: "#5b6575", size: 56, grid: { stroke: "#eef0f3" } }],
    series: [
      {},
      { label: "events", stroke: "#1f5fa8", fill: "rgba(31,95,168,.55)", paths: uPlot.paths.bars({ size: [0.8, 60], align: 1 }), points: { show: false } },
      { label: "fatalities", show: false },
    ],
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 3) return;
          const a = u.posToVal(u.select.left, "x");
          const b = u.posToVal(u.select.left + u.select.width, "x");
          const day = (s) => new Date(s * 1000).toISOString().slice(0, 10);
          setDates(day(a), day(b));
        },
      ],
    },
  };
  plot = new uPlot(opts, [xs, ys, fs], box);
  showSelection();
}
// Redrawn timelines keep showing the chosen dates as the brushed box.
function showSelection() {
  const { date_from: from, date_to: to } = state.filters;
  if (!plot || !(from || to)) return;
  const x0 = from ? Date.parse(`${from}T00:00:00Z`) / 1000 : plot.scales.x.min;
  const x1 = to ? Date.parse(`${to}T00:00:00Z`) / 1000 : plot.scales.x.max;
  const left = plot.valToPos(x0, "x");
  plot.setSelect({ left, width: Math.max(2, plot.valToPos(x1, "x") - left), top: 0, height: plot.bbox.height / devicePixelRatio }, false);
}
window.addEventListener("resize", () => {
  if (plot) plot.setSize({ width: $("#timeline").clientWidth, height: 130 });
});

function setDates(from, to) {
  state.filters.date_from = from;
  state.filters.date_to = to;
  $("#tl-range").textContent = from || to ? `${from || "…"} → ${to || "…"}` : "";
  $("#tl-clear").hidden = !(from || to);
  refresh({ keepTimeline: true });
}

// --- table ---------------------------------------------------------------------------------------------------
function drawTable(events) {
  const body = $("#events-table tbody");
  const rows = events.map((ev) => {
    const sw = el("span", { class: "swatch" });
    sw.style.background = TYPE_COLOURS[ev.event_type] || "#34495e";
    const grade = ev.grade ? el("span", { class: `badge grade-${ev.grade}`, text: ev.grade }) : "";
    const tr = el(
      "tr",
      { "data-event-id": ev.event_id },
      el("td", { text: txt(ev.event_date) }),
      el("td", {}, sw, txt(ev.event_type)),
      el("td", { text: txt(ev.sub_event_type) }),
      el("td", { text: txt(ev.actor1) }),
      el("td", { text: txt(ev.actor2) }),
      el("td", { text: txt(ev.location) }),
      el("td", { text: txt(ev.admin1) }),
      el("td", { text: txt(ev.country) }),
      el("td", { class: "num", text: txt(ev.fatalities) }),
      el("td", {}, grade),
    );
    if (ev.event_id === state.selected) tr.classList.add("selected");
    tr.addEventListener("click", () => {
      openEvent(ev.event_id);
      const m = markersById.get(ev.event_id);
      if (m) clusters.zoomToShowLayer(m, () => {});
    });
    return tr;
  });
  body.replaceChildren(...rows);
  const desc = state.sort.startsWith("-");
  const key = state.sort.replace(/^-/, "");
  for (const th of document.querySelectorAll("#events-table th")) {
    th.classList.toggle("sorted-asc", th.dataset.sort === key && !desc);
    th.classList.toggle("sorted-desc", th.dataset.sort === key && desc);
  }
}
for (const th of document.querySelectorAll("#events-table th[data-sort]")) {
  th.classList.add("sortable");
  th.title = "Sort";
  th.addEventListener("click", () => {
    const key = th.dataset.sort;
    const cur = state.sort.replace(/^-/, "");
    if (cur === key) state.sort = state.sort.startsWith("-") ? key : `-${key}`;
    else state.sort = key === "event_date" || key === "fatalities" ? `-${key}` : key;
    refresh({ keepTimeline: true });
  });
}

// --- event panel -------------------------------------------------------------------------------------------
function isWordChar(c) {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}
// Highlighted words of a sentence: spans the extractor gave (if any), then the event's known fields found in it.
function highlight(text, spans, terms) {
  const ranges = [];
  for (const s of spans || []) {
    if (Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start) ranges.push([s.start, s.end, s.label || "type"]);
  }
  const lower = text.toLowerCase();
  for (const { word, kind } of terms) {
    const w = txt(word).trim().toLowerCase();
    if (w.length < 2 && !/^\d$/.test(w)) continue;
    let i = lower.indexOf(w);
    while (i !== -1) {
      if (!isWordChar(lower[i - 1]) && !isWordChar(lower[i + w.length])) ranges.push([i, i + w.length, kind]);
      i = lower.indexOf(w, i + w.length);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [s, e, kind] of ranges) {
    if (s < pos) continue;
    if (s > pos) frag.append(document.createTextNode(text.slice(pos, s)));
    frag.append(el("mark", { class: `hl hl-${kind}`, title: kind, text: text.slice(s, e) }));
    pos = e;
  }
  frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}

function termsFor(ev) {
  const terms = [];
  const add = (word, kind) => {
    if (!word) return;
    terms.push({ word, kind });
    // ACLED actor names carry a period in brackets ("Military Forces of Russia (2000-)"); reports do not.
    const bare = String(word).replace(/\s*\([^)]*\)\s*$/, "");
    if (bare !== word) terms.push({ word: bare, kind });
  };
  for (const w of [ev.location, ev.admin2, ev.admin1]) add(w, "place");
  for (const w of [ev.actor1, ev.actor2, ev.assoc_actor_1, ev.assoc_actor_2]) {
    for (const part of txt(w).split(";")) add(part.trim(), "actor");
  }
  for (const s of ev.sources || []) add(s.name, "source");
  const counts = new Set([ev.fatalities, ev.fatalities_low, ev.fatalities_high]);
  for (const f of ev.figures || []) counts.add(f.killed);
  for (const n of counts) {
    if (n === null || n === undefined || n === "" || Number(n) <= 0) continue;
    add(String(n), "count");
    if (NUMBER_WORDS[n]) add(NUMBER_WORDS[n], "count");
  }
  return terms;
}

function section(title, ...content) {
  return [el("h3", { text: title }), ...content.filter(Boolean)];
}

function precisionText(kind, p) {
  const t = { time: { 1: "day known", 2: "week", 3: "month" }, geo: { 1: "the town itself", 2: "near a town / part of a region", 3: "region" } };
  return p ? `${p} (${t[kind][p] || "?"})` : "";
}

async function openEvent(id) {
  state.selected = id;
  for (const tr of document.querySelectorAll("#events-table tbody tr")) tr.classList.toggle("selected", tr.dataset.eventId === id);
  for (const d of document.querySelectorAll(".cw-marker")) d.classList.toggle("selected", d.dataset.eventId === id);
  const panel = $("#panel");
  const body = $("#panel-body");
  panel.hidden = false;
  body.replaceChildren(el("p", { text: "Loading…" }));
  let ev;
  try {
    ev = await getJSON(`/api/events/${encodeURIComponent(id)}`);
  } catch (err) {
    body.replaceChildren(el("p", { text: `Could not load event ${id}: ${err.message}` }));
    return;
  }
  if (state.selected !== id) return;
  map.invalidateSize();
  const parts = [];
  const sw = el("span", { class: "swatch" });
  sw.style.background = TYPE_COLOURS[ev.event_type] || "#34495e";
  parts.push(el("h2", {}, sw, `${txt(ev.sub_event_type || ev.event_type)}`));
  parts.push(el("div", {}, txt(ev.event_type), " · ", txt(ev.event_date), ev.grade ? " · " : "", ev.grade ? el("span", { class: `badge grade-${ev.grade}`, text: ev.grade }) : ""));

  const dl = el("dl");
  const row = (k, v) => {
    if (v === null || v === undefined || v === "") return;
    dl.append(el("dt", { text: k }), el("dd", {}, v));
  };
  row("Event id", txt(ev.event_id));
  row("Date", `${txt(ev.event_date)}  · precision ${precisionText("time", ev.time_precision)}`);
  row("Disorder", txt(ev.disorder_type));
  row("Actor 1", [ev.actor1, ev.inter1 ? `(inter ${ev.inter1})` : ""].filter(Boolean).join(" "));
  row("Assoc. 1", txt(ev.assoc_actor_1));
  row("Actor 2", [ev.actor2, ev.inter2 ? `(inter ${ev.inter2})` : ""].filter(Boolean).join(" "));
  row("Assoc. 2", txt(ev.assoc_actor_2));
  row("Interaction", txt(ev.interaction));
  row("Civilian targeting", txt(ev.civilian_targeting));
  row("Location", [ev.location, ev.admin2, ev.admin1, ev.country].filter(Boolean).join(", "));
  if (ev.latitude !== null && ev.latitude !== undefined) row("Coordinates", `${Number(ev.latitude).toFixed(4)}, ${Number(ev.longitude).toFixed(4)} · precision ${precisionText("geo", ev.geo_precision)}`);
  const lo = ev.fatalities_low ?? ev.fatalities;
  const hi = ev.fatalities_high ?? ev.fatalities;
  row("Fatalities", `${txt(ev.fatalities)}${lo !== hi ? ` (range ${lo}–${hi})` : ""}`);
  parts.push(dl);

  if (ev.grade || (ev.grade_reasons || []).length) {
    parts.push(...section("Grade", el("div", {}, el("span", { class: `badge grade-${ev.grade}`, text: ev.grade || "ungraded" })), el("ul", { class: "reasons" }, ...(ev.grade_reasons || []).map((r) => el("li", { text: r })))));
  }
  const sources = ev.sources || [];
  parts.push(...section(`Sources (${sources.length})`, el("ul", { class: "sources" }, ...sources.map((s) => el("li", {}, txt(s.name), " ", el("span", { class: `badge stance-${s.stance}`, text: txt(s.stance) }))))));

  const evidence = ev.evidence || [];
  const terms = termsFor(ev);
  const list = el("ul", { class: "evidence" }, ...evidence.map((e) => el("li", {}, el("blockquote", {}, highlight(txt(e.text), e.spans, terms)), e.report_id ? el("small", { text: `report ${e.report_id}` }) : "")));
  // The key names only the kinds of words that are highlighted in these sentences.
  const kinds = ["place", "actor", "count", "source", "type"].filter((k) => list.querySelector(`mark.hl-${k}`));
  const marks = kinds.length ? el("div", { class: "legend-marks" }, "Highlighted:", ...kinds.map((k) => el("mark", { class: `hl hl-${k}`, text: k }))) : null;
  parts.push(...section(`Evidence (${evidence.length})`, marks, list));

  const figures = ev.figures || [];
  if (figures.length) {
    const table = el("table", {}, el("tr", {}, el("th", { text: "Source" }), el("th", { text: "Killed" }), el("th", { text: "Published" }), el("th", { text: "Revised" })));
    for (const f of figures) table.append(el("tr", {}, el("td", { text: txt(f.source) }), el("td", { text: txt(f.killed) }), el("td", { text: txt(f.published).slice(0, 16) }), el("td", { text: f.revised ? "yes" : "" })));
    parts.push(...section("Figures by source", table));
  }
  const tolls = ev.tolls || [];
  if (tolls.length) {
    const table = el("table", { class: "tolls" }, el("tr", {}, el("th", { text: "Period" }), el("th", { text: "Area" }), el("th", { text: "Killed" }), el("th", { text: "Source" })));
    for (const t of tolls) {
      table.append(el("tr", {}, el("td", { text: `${txt(t.period_start)} → ${txt(t.period_end)}` }), el("td", { text: [t.location, t.admin1, t.country].filter(Boolean).join(", ") }), el("td", { text: txt(t.killed) }), el("td", { text: txt(t.source) })));
    }
    parts.push(...section("Tolls of its area", table));
  }
  if (ev.notes) parts.push(...section("Notes", el("div", { class: "notes", text: ev.notes })));
  if ((ev.report_ids || []).length) parts.push(...section("Reports", el("ul", {}, ...ev.report_ids.map((r) => el("li", { text: r })))));
  body.replaceChildren(...parts);
  panel.scrollTop = 0;
}
$("#panel-close").addEventListener("click", () => {
  $("#panel").hidden = true;
  state.selected = null;
  map.invalidateSize();
});

// --- filters & loading -------------------------------------------------------------------------------------
function filterParams({ withDates = true } = {}) {
  const f = { ...state.filters };
  if (!withDates) {
    delete f.date_from;
    delete f.date_to;
  }
  return f;
}

function fillSelect(select, values, keep) {
  const first = select.options[0];
  select.replaceChildren(first, ...values.map((v) => el("option", { value: v, text: v })));
  select.value = values.includes(keep) ? keep : "";
}

let firstFit = true;
async function refresh({ keepTimeline = false } = {}) {
  const seq = ++state.requestSeq;
  const params = { ...filterParams(), sort: state.sort, limit: MAX_ROWS };
  $("#csv-link").href = `/api/events.csv?${query(filterParams())}`;
  $("#geojson-link").href = `/api/events.geojson?${query(filterParams())}`;
  try {
    const [page, stats, terr] = await Promise.all([
      getJSON(`/api/events?${query(params)}`),
      keepTimeline ? null : getJSON(`/api/stats?${query(filterParams({ withDates: false }))}`),
      getJSON(`/api/events?${query({ ...filterParams(), sub_event_type: Object.keys(TERRITORY), event_type: "", limit: MAX_ROWS })}`),
    ]);
    if (seq !== state.requestSeq) return; // a newer request is on its way
    const events = page.events || [];
    const shown = events.length;
    $("#summary").textContent = `${page.total} event${page.total === 1 ? "" : "s"}${shown < page.total ? ` (showing ${shown})` : ""}`;
    $("#table-note").textContent = shown < page.total ? `First ${shown} of ${page.total} by the chosen order; narrow the filters or use the CSV for all.` : "";
    drawMarkers(events);
    drawTable(events);
    drawTerritory(terr.events || []);
    if (stats) drawTimeline(stats.by_week || []);
    document.body.dataset.loaded = String(seq);
    if (firstFit && events.some((e) => e.latitude !== null && e.latitude !== undefined)) {
      firstFit = false;
      const b = clusters.getBounds();
      if (b.isValid()) map.fitBounds(b.pad(0.3), { maxZoom: 7, animate: false });
    }
  } catch (err) {
    showError(err);
  }
}

async function init() {
  try {
    const stats = await getJSON("/api/stats");
    const types = (stats.by_type || []).map((r) => r.event_type).filter(Boolean);
    fillSelect($("#f-type"), [...new Set([...types, ...EVENT_TYPES])].sort(), "");
    fillSelect($("#f-country"), (stats.by_country || []).map((r) => r.country).filter(Boolean).sort(), "");
  } catch (err) {
    showError(err);
  }
  const bind = (sel, key) => $(sel).addEventListener("change", (e) => {
    state.filters[key] = e.target.value;
    refresh();
  });
  bind("#f-type", "event_type");
  bind("#f-country", "country");
  bind("#f-grade", "grade");
  let timer = null;
  $("#f-q").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.filters.q = e.target.value.trim();
      refresh();
    }, 250);
  });
  $("#tl-clear").addEventListener("click", () => {
    if (plot) plot.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
    setDates("", "");
  });
  $("#f-reset").addEventListener("click", () => {
    for (const k of Object.keys(state.filters)) state.filters[k] = "";
    for (const s of ["#f-type", "#f-country", "#f-grade"]) $(s).value = "";
    $("#f-q").value = "";
    $("#tl-range").textContent = "";
    $("#tl-clear").hidden = true;
    refresh();
  });
  await refresh();
}

init();

// The HTML report's page: CSS and the script that draws the embedded data
// (see html_report.cc for the data's shape). No network: everything inline.
#ifndef WARREN_SIM_REPORT_HTML_PAGE_H_
#define WARREN_SIM_REPORT_HTML_PAGE_H_

namespace warren::report {

inline constexpr char kHtmlHead[] = R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>warren run report</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #222; background: #fafafa; }
h1 { font-size: 18px; margin: 0 0 8px; } h2 { font-size: 16px; margin: 24px 0 6px; }
h3 { font-size: 13px; margin: 14px 0 4px; color: #444; }
.ok { color: #17803d; font-weight: 600; } .failed { color: #c0262d; font-weight: 600; }
section.scenario { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px;
  margin-bottom: 20px; }
table { border-collapse: collapse; margin: 4px 0; } td, th { border: 1px solid #e2e2e2;
  padding: 2px 8px; text-align: left; vertical-align: top; }
pre { background: #f4f4f4; padding: 6px 8px; overflow-x: auto; margin: 4px 0; }
.zoom { margin: 6px 0; } .zoom input[type=number] { width: 90px; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.legend span { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 10px; }
.plots { display: flex; flex-wrap: wrap; gap: 10px; }
.plot-box { border: 1px solid #eee; padding: 4px; }
.feed { max-height: 240px; overflow-y: auto; }
.note { color: #666; }
</style></head><body>
<h1>warren run report <span class="note">(Warren )html";

inline constexpr char kHtmlData[] = R"html(; times are virtual, from the run's start)</span></h1>
<div id="report"></div>
<script type="application/json" id="data">)html";

inline constexpr char kHtmlTail[] = R"html(</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const SVGNS = "http://www.w3.org/2000/svg";
const PALETTE = ["#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                 "#bab0ac", "#86bcb6", "#8cd17d"];
const MARK_COLORS = {"published": "#222", "delivered": "#f28e2b", "requeued": "#f28e2b",
  "acked": "#17803d", "rejected": "#c0262d", "expired": "#7b3294", "dead-lettered": "#7b3294",
  "dropped": "#000", "unroutable": "#000"};

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  return e;
}
function seconds(ms) { return (ms / 1000).toFixed(3) + "s"; }

function table(rows, header, cls) {
  const t = el("table", cls ? {"class": cls} : {});
  const h = el("tr");
  for (const c of header) h.appendChild(el("th", {}, c));
  t.appendChild(h);
  for (const r of rows) {
    const tr = el("tr");
    for (const c of r) tr.appendChild(el("td", {}, String(c)));
    t.appendChild(tr);
  }
  return t;
}

function drawLanes(box, s, from, to) {
  box.textContent = "";
  const labelW = 190, w = 1000, rowH = 16, plotW = w - labelW - 10;
  const x = t => labelW + (Math.min(Math.max(t, from), to) - from) / (to - from) * plotW;
  const lanes = svg("svg", {"class": "lanes", "width": w, "height": s.lanes.length * rowH + 24});
  const axis = svg("text", {"x": labelW, "y": 12});
  axis.textContent = seconds(from) + " … " + seconds(to);
  lanes.appendChild(axis);
  s.lanes.forEach((lane, i) => {
    const y = 18 + i * rowH;
    const g = svg("g", {"class": "lane"});
    const label = svg("text", {"x": 2, "y": y + 11});
    label.textContent = lane.title;
    g.appendChild(label);
    for (const [qi, unacked, a, b] of lane.segs) {
      const end = b < 0 ? s.span_ms : b;
      if (end < from || a > to) continue;
      const r = svg("rect", {"x": x(a), "y": y + 2, "width": Math.max(1.5, x(end) - x(a)),
        "height": rowH - 4, "fill": PALETTE[qi % PALETTE.length],
        "opacity": unacked ? 1 : 0.55, "class": "segment"});
      const tip = svg("title");
      tip.textContent = s.queues[qi] + (unacked ? " (unacked) " : " (ready) ") + seconds(a) +
          " → " + (b < 0 ? "end" : seconds(b));
      r.appendChild(tip);
      g.appendChild(r);
    }
    for (const [t, kind, text] of lane.marks) {
      if (t < from || t > to) continue;
      const c = svg("circle", {"cx": x(t), "cy": y + rowH / 2, "r": 3.2, "class": "mark",
        "fill": MARK_COLORS[kind] || "#555"});
      const tip = svg("title");
      tip.textContent = seconds(t) + " " + text;
      c.appendChild(tip);
      g.appendChild(c);
    }
    lanes.appendChild(g);
  });
  box.appendChild(lanes);
}

function drawPlots(box, s, from, to) {
  box.textContent = "";
  const w = 300, h = 90, pad = 4;
  for (const q of Object.keys(s.depth)) {
    const pts = s.depth[q];
    let max = 1;
    for (const [, r, u] of pts) max = Math.max(max, r, u);
    const x = t => pad + (Math.min(Math.max(t, from), to) - from) / (to - from) * (w - 2 * pad);
    const y = v => h - 14 - v / max * (h - 30);
    const step = idx => {
      let d = "", last = 0;
      let started = false;
      for (const p of pts) {
        if (p[0] > to) break;
        if (p[0] < from) { last = p[idx]; continue; }
        if (!started) { d += "M" + x(from) + "," + y(last); started = true; }
        d += "L" + x(p[0]) + "," + y(last) + "L" + x(p[0]) + "," + y(p[idx]);
        last = p[idx];
      }
      if (!started) d += "M" + x(from) + "," + y(last);
      return d + "L" + x(to) + "," + y(last);
    };
    const div = el("div", {"class": "plot-box"});
    const plot = svg("svg", {"class": "depth-plot", "width": w, "height": h, "data-queue": q});
    const title = svg("text", {"x": pad, "y": 11});
    title.textContent = q + " (peak " + max + ")";
    plot.appendChild(title);
    plot.appendChild(svg("path", {"d": step(1), "stroke": "#4e79a7", "fill": "none",
                                  "stroke-width": 1.5, "class": "ready"}));
    plot.appendChild(svg("path", {"d": step(2), "stroke": "#f28e2b", "fill": "none",
                                  "stroke-width": 1.5, "class": "unacked"}));
    div.appendChild(plot);
    box.appendChild(div);
  }
}

function render(s, index) {
  const sec = el("section", {"class": "scenario", "id": "scenario-" + index});
  const h = el("h2");
  h.appendChild(el("span", {"class": s.ok ? "ok" : "failed"}, s.ok ? "ok " : "FAILED "));
  h.appendChild(document.createTextNode(s.file + (s.name ? ": " + s.name : "")));
  sec.appendChild(h);
  sec.appendChild(el("div", {"class": "note"}, s.messages + " messages, " + s.trace_events +
      " trace events over " + seconds(s.span_ms) + " of virtual time"));

  sec.appendChild(el("h3", {}, "Checks"));
  sec.appendChild(table(s.checks.map(c => [c.ok ? "pass" : "FAIL", c.name, c.failures.join("; ")]),
                        ["", "check", "failures"], "checks"));

  sec.appendChild(el("h3", {}, "Timeline"));
  const zoom = el("div", {"class": "zoom"});
  const fromIn = el("input", {"type": "number", "min": 0, "max": s.span_ms, "value": 0,
                               "step": "any", "class": "from"});
  const toIn = el("input", {"type": "number", "min": 0, "max": s.span_ms, "value": s.span_ms,
                             "step": "any", "class": "to"});
  const reset = el("button", {"type": "button"}, "whole run");
  zoom.append("window from ", fromIn, " ms to ", toIn, " ms ", reset);
  sec.appendChild(zoom);
  const legend = el("div", {"class": "legend note"});
  s.queues.forEach((q, i) => {
    const sw = el("span");
    sw.style.background = PALETTE[i % PALETTE.length];
    legend.append(sw, q);
  });
  legend.append(" — pale: ready, solid: unacked; dots: events (hover for details)");
  sec.appendChild(legend);
  const lanesBox = el("div", {"class": "lanes-box"});
  sec.appendChild(lanesBox);
  if (s.messages > s.lanes.length) {
    sec.appendChild(el("div", {"class": "note"}, "lanes for the first " + s.lanes.length +
        " of " + s.messages + " messages; the depth plots and figures count them all"));
  }
  sec.appendChild(el("h3", {}, "Queue depth (blue ready, orange unacked)"));
  const plotsBox = el("div", {"class": "plots"});
  sec.appendChild(plotsBox);
  const redraw = () => {
    let from = Number(fromIn.value), to = Number(toIn.value);
    if (!(to > from)) { from = 0; to = s.span_ms; }
    drawLanes(lanesBox, s, from, to);
    drawPlots(plotsBox, s, from, to);
  };
  fromIn.addEventListener("change", redraw);
  toIn.addEventListener("change", redraw);
  reset.addEventListener("click", () => { fromIn.value = 0; toIn.value = s.span_ms; redraw(); });
  redraw();

  sec.appendChild(el("h3", {}, "Figures"));
  sec.appendChild(el("pre", {"class": "figures"}, s.figures.join("\n")));
  if (s.tasks.length) {
    sec.appendChild(el("h3", {}, "Celery tasks (backend rows)"));
    sec.appendChild(table(s.tasks.map(t => [t.id, t.name, t.state, t.retries, t.executions,
                                            t.result]),
                          ["id", "task", "state", "retries", "executions", "result"], "tasks"));
  }
  if (s.feed.length) {
    sec.appendChild(el("h3", {}, "Celery events"));
    const feed = el("div", {"class": "feed"});
    feed.appendChild(table(s.feed.map(([t, who, text]) => [seconds(t), who, text]),
                           ["time", "who", "event"], "events"));
    if (s.feed_dropped) feed.appendChild(el("div", {"class": "note"}, s.feed_dropped + " more"));
    sec.appendChild(feed);
  }
  return sec;
}

const root = document.getElementById("report");
DATA.forEach((s, i) => root.appendChild(render(s, i)));
document.body.setAttribute("data-rendered", "true");
</script>
</body></html>
)html";

}  // namespace warren::report

#endif  // WARREN_SIM_REPORT_HTML_PAGE_H_

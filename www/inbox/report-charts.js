// @ts-check
// The Reports view's charts: one uPlot line chart per metric over the
// period's buckets. uPlot (npm, built into /vendor/uplot.js by the Makefile)
// is imported here only when the first chart is drawn, so the inbox's first
// load never fetches it. Each chart is an image to assistive technology
// (role=img, named by what it shows), followed by its data as a table in a
// <details> (its text alternative, reachable by keyboard). Lines are told
// apart by colour and by dash, both colours above 4.5:1 on white.
import { el } from "./dom.js";
import { dataTable } from "./report-tables.js";

/** Where the worker serves uPlot (a variable, so the type check does not resolve it). */
const UPLOT_MODULE = "/vendor/uplot.js";
/** uPlot's stylesheet, added with the first chart. */
const UPLOT_CSS = "/vendor/uplot.css";

/** The lines' looks: colour (AA on white, 3:1 and more against each other's absence) and dash. */
export const LINES = [
  { stroke: "#1d4ed8", dash: [] },
  { stroke: "#b45309", dash: [6, 4] },
];

/** The y axis's steps for counts: whole numbers only. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** The y axis's steps for durations (ms): round seconds, minutes, hours and days. */
const DURATION_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800].map((s) => s * 1000);

/** @typedef {{label: string, values: (number | null)[]}} Line */
/** @typedef {{id: string, title: string, duration: boolean, lines: Line[]}} Chart */

/** @type {Promise<any> | null} */
let loading = null;

/** uPlot's constructor, imported (and its stylesheet linked) on the first call only. */
export function loadUplot() {
  if (!loading) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = UPLOT_CSS;
    document.head.append(link);
    loading = import(UPLOT_MODULE).then((m) => m.default).catch((err) => {
      loading = null; // a later open tries again
      throw err;
    });
  }
  return loading;
}

/**
 * Draws `charts` into `box` (replacing what was there) over the buckets that
 * start at `starts` (ms) and are named `labels`, durations shown by `span`,
 * times on the axis in `timeZone`.
 * @param {HTMLElement} box @param {number[]} starts @param {string[]} labels @param {Chart[]} charts
 * @param {(ms: number | null) => string} span @param {string} timeZone
 */
export async function drawCharts(box, starts, labels, charts, span, timeZone) {
  const uPlot = await loadUplot();
  const figures = charts.map((chart) => figure(starts, labels, chart, span));
  box.replaceChildren(...figures.map((f) => f.fig));
  // Drawn once in the page: each plot takes its figure's width.
  const tzDate = (ms) => uPlot.tzDate(new Date(ms), timeZone);
  for (const { plot, draw } of figures) draw(uPlot, Math.max(280, plot.clientWidth || 640), tzDate);
}

/** One chart's figure (its title, legend, the plot, its data table) and how to draw its plot. */
function figure(starts, labels, chart, span) {
  const fig = el("figure", "report-chart");
  fig.id = `r-chart-${chart.id}`;
  const caption = el("figcaption", null, chart.title);
  caption.id = `${fig.id}-title`;
  const legend = el("ul", "legend");
  chart.lines.forEach((line, i) => {
    const swatch = el("span", `swatch line-${i}`);
    swatch.setAttribute("aria-hidden", "true");
    const item = el("li");
    item.append(swatch, line.label);
    legend.append(item);
  });
  const plot = el("div", "plot");
  plot.setAttribute("role", "img");
  plot.tabIndex = 0; // reachable by keyboard, where its name says what it shows and where its data is
  plot.setAttribute("aria-label", `${chart.title}: a line chart; its data is in the table below it.`);
  const fmt = (v) => (chart.duration ? span(v) : v == null ? "" : String(v));
  const columns = ["When", ...chart.lines.map((l) => l.label)];
  const rows = labels.map((label, i) => [label, ...chart.lines.map((l) => fmt(l.values[i]))]);
  const details = el("details", "chart-data");
  details.append(el("summary", null, `${chart.title}: the data`), dataTable(columns, rows, `${chart.title}, over time`));
  fig.append(caption, legend, plot, details);
  const draw = (uPlot, width, tzDate) => new uPlot({ ...options(chart, width, fmt), tzDate }, [starts, ...chart.lines.map((l) => l.values)], plot);
  return { fig, plot, draw };
}

/** uPlot's options for one chart: time on x (ms), the lines' looks, axes in dark grey, no uPlot legend (ours is text). */
function options(chart, width, fmt) {
  const axis = { stroke: "#374151", grid: { stroke: "#e5e7eb" }, ticks: { stroke: "#9ca3af" } };
  return {
    width,
    height: 200,
    ms: 1,
    legend: { show: false },
    cursor: { show: true, drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
    series: [{}, ...chart.lines.map((line, i) => ({ label: line.label, stroke: LINES[i % LINES.length].stroke, dash: LINES[i % LINES.length].dash, width: 2, points: { show: true, size: 5 } }))],
    axes: [axis, { ...axis, size: chart.duration ? 96 : 50, values: (_u, ticks) => ticks.map((t) => fmt(t)), incrs: chart.duration ? DURATION_STEPS : COUNT_STEPS }],
  };
}

// @ts-check
// The Reports view's tables and their words: a plain data table (every
// chart's text alternative, the agents' table), the totals with the previous
// period beside each, the busiest-hours heat map (a table whose cells are
// shaded by their count, the count written in each, its text black or white,
// whichever is at least 4.5:1 on the shade), and how durations and changes read.
import { el } from "./dom.js";

/** Weekdays as the heat map's rows, Monday first (as shared::report's grid). */
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * A table with a caption (for assistive technology), a header row
 * (`columns`) and `rows` of text, each row's first cell its row header.
 * @param {string[]} columns @param {string[][]} rows @param {string} caption
 */
export function dataTable(columns, rows, caption) {
  const table = el("table", "report-table");
  table.append(el("caption", "sr-unread", caption));
  const head = el("tr");
  for (const c of columns) {
    const th = el("th", null, c);
    th.scope = "col";
    head.append(th);
  }
  table.appendChild(el("thead")).append(head);
  const body = table.appendChild(el("tbody"));
  for (const row of rows) body.append(tableRow(row, true));
  return table;
}

/** One row of text, its first cell the row's header when `headed`. @param {string[]} cells @param {boolean} headed */
function tableRow(cells, headed) {
  const tr = el("tr");
  cells.forEach((text, i) => {
    const cell = el(i === 0 && headed ? "th" : "td", null, text);
    if (cell instanceof HTMLTableCellElement && i === 0 && headed) cell.scope = "row";
    tr.append(cell);
  });
  return tr;
}

/** A duration in words, to the nearest second, minute or hour by its size ("45 s", "12 min", "3 h 20 min", "2 d 4 h"); "–" for none. */
/** @param {number | null | undefined} ms */
export function span(ms) {
  if (ms == null) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/**
 * A figure beside the previous period's: "12 (+20% vs previous 10)"; with
 * nothing to compare with, "3 (vs previous 0)"; durations in words.
 * @param {number | null} now @param {number | null} before @param {boolean} duration
 */
export function versus(now, before, duration) {
  const show = (v) => (duration ? span(v) : String(v ?? 0));
  if (now == null || !before) return `${show(now)} (vs previous ${show(before)})`;
  const change = Math.round(((now - before) / before) * 100);
  return `${show(now)} (${change > 0 ? "+" : ""}${change}% vs previous ${show(before)})`;
}

/** @typedef {{label: string, duration: boolean, now: number | null, before: number | null}} Total */

/** The totals' rows: the metric, this period's figure with the change, the previous period's. @param {Total[]} totals */
export function totalsRows(totals) {
  return totals.map((t) => {
    const row = tableRow([t.label, versus(t.now, t.before, t.duration), t.duration ? span(t.before) : String(t.before ?? 0)], true);
    row.dataset.metric = t.label;
    return row;
  });
}

/** The relative luminance of "#rrggbb" (WCAG 2). @param {string} hex */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever contrasts more with `hex` (at least 4.58:1 for any colour). @param {string} hex */
export function inkOn(hex) {
  const l = luminance(hex);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
}

/** The shade of a cell whose count is `share` (0 to 1) of the busiest: white to dark blue. @param {number} share */
export function shade(share) {
  const from = [255, 255, 255], to = [30, 58, 138]; // #1e3a8a
  return "#" + from.map((f, i) => Math.round(f + (to[i] - f) * share).toString(16).padStart(2, "0")).join("");
}

/**
 * Fills the heat map's table from a grid of 7 weekdays × 24 hours: rows by
 * weekday, columns by hour, each cell its count on its shade.
 * @param {HTMLTableElement} table @param {number[][]} grid @param {string} caption
 */
export function fillHeatMap(table, grid, caption) {
  const busiest = Math.max(1, ...grid.flat());
  const head = el("tr");
  const corner = el("td");
  head.append(corner);
  for (let h = 0; h < 24; h++) {
    const th = el("th", null, String(h).padStart(2, "0"));
    th.scope = "col";
    th.setAttribute("aria-label", `${String(h).padStart(2, "0")}:00`);
    head.append(th);
  }
  const rows = grid.map((hours, d) => {
    const tr = el("tr");
    const th = el("th", null, WEEKDAYS[d].slice(0, 3));
    th.scope = "row";
    th.setAttribute("aria-label", WEEKDAYS[d]);
    tr.append(th);
    hours.forEach((count, h) => {
      const td = el("td", null, String(count));
      const bg = shade(count / busiest);
      td.style.backgroundColor = bg;
      td.style.color = inkOn(bg);
      td.dataset.day = String(d);
      td.dataset.hour = String(h);
      tr.append(td);
    });
    return tr;
  });
  const body = el("tbody");
  body.append(...rows);
  const thead = el("thead");
  thead.append(head);
  table.replaceChildren(el("caption", "sr-unread", caption), thead, body);
}

/** The object URL of each CSV made here, by link id (revoked when the link gets another). @type {Map<string, string>} */
const made = new Map();

/** Points the download link `id` at a CSV of `rows`, made here (RFC 4180 quoting). @param {string} id @param {string} name @param {unknown[][]} rows */
export function csvMade(id, name, rows) {
  const cell = (v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  const url = URL.createObjectURL(new Blob([rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n"], { type: "text/csv" }));
  if (made.has(id)) URL.revokeObjectURL(made.get(id));
  made.set(id, url);
  const link = document.getElementById(id);
  if (link instanceof HTMLAnchorElement) Object.assign(link, { href: url, download: name });
}

/**
 * @module svg
 * The comparison as an SVG grouped bar chart, written in plain JS: one group per figure, one bar
 * per target, each bar the target's ratio to the bare Durable Object relay on a log₂ axis, so
 * 2× and 0.5× are the same distance from the 1× line (the bare relay) in opposite directions.
 */
import { BASELINE_KEY } from "./targets.mjs";

const WIDTH = 1100;
const HEIGHT = 540;
const MARGIN = Object.freeze({ left: 64, right: 16, top: 92, bottom: 78 });
/** Space between groups, as a share of one group's width. */
const GROUP_GAP_SHARE = 0.22;
const FONT = "font-family=\"system-ui, -apple-system, Segoe UI, sans-serif\"";
const TITLE_SIZE = 17;
const TEXT_SIZE = 12;
const SMALL_SIZE = 9;
const LEGEND_SWATCH = 11;
const LEGEND_ROW_Y = 62;
/** Rough width of one legend character at TEXT_SIZE, and the gap after each legend item. */
const LEGEND_CHAR_WIDTH = 6.8;
const LEGEND_GAP = 22;
/** Smallest and largest ratio the axis shows (bars beyond are cut at the edge). */
const MIN_RATIO = 1 / 32;
const MAX_RATIO = 64;
const COLORS = ["#2563eb", "#0ea5e9", "#14b8a6", "#8b5cf6", "#f59e0b", "#ef4444", "#64748b", "#22c55e"];
const LABEL_DECIMALS = 2;
/** Bar labels: whole numbers from 10×, two decimals under 0.1×, one otherwise. */
const WHOLE_LABEL_FROM = 10;
const FINE_LABEL_UNDER = 0.1;
const LINE_GAP = 14;

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The figures charted: label, better direction, and how to read the ratio from a target's summary. */
function metrics(options) {
  const [rate, lowRate] = options.latencyRatesPerSecond;
  return [
    { label: "fan-out deliveries/s", better: "higher", pick: (f) => f.vsBare.fanoutDeliveries },
    { label: "CPU per delivery", better: "lower", pick: (f) => f.vsBare.cpuPerDelivery },
    { label: `p99 at ${rate} msg/s`, better: "lower", pick: (f) => f.vsBare[`p99At${rate}`] },
    ...(lowRate ? [{ label: `p99 at ${lowRate} msg/s`, better: "lower", pick: (f) => f.vsBare[`p99At${lowRate}`] }] : []),
    { label: "connects/s (storm)", better: "higher", pick: (f) => f.vsBare.connectsPerSecond },
    { label: "chat p99", better: "lower", pick: (f) => f.vsBare.chatP99 },
    { label: "ingest msgs/s", better: "higher", pick: (f) => f.vsBare.ingest },
    { label: "idle memory/conn", better: "lower", pick: (f) => f.vsBare.idleMemory },
  ];
}

/** The SVG document for one run's summary. */
export function renderChart(targets, summary, options, subtitle) {
  const shown = targets.filter((t) => t.key !== BASELINE_KEY);
  const groups = metrics(options);
  const values = groups.map((m) => shown.map((t) => m.pick(summary.targets[t.key])));
  const finite = values.flat().filter((v) => typeof v === "number" && v > 0);
  const lowExp = Math.floor(Math.log2(Math.max(MIN_RATIO, Math.min(1, ...finite))));
  const highExp = Math.ceil(Math.log2(Math.min(MAX_RATIO, Math.max(1, ...finite))));
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const y = (ratio) => {
    const e = Math.min(highExp, Math.max(lowExp, Math.log2(ratio)));
    return MARGIN.top + ((highExp - e) / (highExp - lowExp || 1)) * plotHeight;
  };
  const groupWidth = plotWidth / groups.length;
  const barWidth = (groupWidth * (1 - GROUP_GAP_SHARE)) / shown.length;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT}>`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN.left}" y="24" font-size="${TITLE_SIZE}" font-weight="600" fill="#111827">roomcast and baselines: ratio to the bare Durable Object relay (log scale, 1× = bare)</text>`);
  out.push(`<text x="${MARGIN.left}" y="${24 + LINE_GAP + 4}" font-size="${TEXT_SIZE - 1}" fill="#4b5563">${escape(subtitle)}</text>`);
  let x = MARGIN.left;
  shown.forEach((t, i) => {
    out.push(`<rect x="${x}" y="${LEGEND_ROW_Y}" width="${LEGEND_SWATCH}" height="${LEGEND_SWATCH}" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${x + LEGEND_SWATCH + 5}" y="${LEGEND_ROW_Y + LEGEND_SWATCH - 1}" font-size="${TEXT_SIZE}" fill="#111827">${escape(t.label)}</text>`);
    x += LEGEND_SWATCH + t.label.length * LEGEND_CHAR_WIDTH + LEGEND_GAP;
  });
  for (let e = lowExp; e <= highExp; e++) {
    const ratio = 2 ** e;
    const gy = y(ratio).toFixed(1);
    out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${gy}" y2="${gy}" stroke="${e === 0 ? "#111827" : "#e5e7eb"}" stroke-width="${e === 0 ? 1.5 : 1}"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${gy}" dy="4" font-size="${TEXT_SIZE - 1}" text-anchor="end" fill="#374151">${ratio >= 1 ? ratio : `1/${1 / ratio}`}×</text>`);
  }
  groups.forEach((metric, g) => {
    const gx = MARGIN.left + g * groupWidth + (groupWidth * GROUP_GAP_SHARE) / 2;
    values[g].forEach((value, i) => {
      if (typeof value !== "number" || value <= 0) return;
      const x = gx + i * barWidth;
      const [top, bottom] = value >= 1 ? [y(value), y(1)] : [y(1), y(value)];
      out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${Math.max(1, bottom - top).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${escape(`${shown[i].label}, ${metric.label}: ${value.toFixed(LABEL_DECIMALS)}× bare`)}</title></rect>`);
      const ly = value >= 1 ? top - 3 : bottom + SMALL_SIZE + 1;
      out.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${ly.toFixed(1)}" font-size="${SMALL_SIZE}" text-anchor="middle" fill="#374151">${value.toFixed(value >= WHOLE_LABEL_FROM ? 0 : value < FINE_LABEL_UNDER ? 2 : 1)}</text>`);
    });
    const cx = MARGIN.left + g * groupWidth + groupWidth / 2;
    out.push(`<text x="${cx.toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 2 * LINE_GAP}" font-size="${TEXT_SIZE}" text-anchor="middle" fill="#111827">${escape(metric.label)}</text>`);
    out.push(`<text x="${cx.toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 3 * LINE_GAP}" font-size="${TEXT_SIZE - 1}" text-anchor="middle" fill="#6b7280">${metric.better} is better</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

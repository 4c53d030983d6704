/**
 * @module table
 * The comparison's figures as text: a terminal table (one column per target, one row per
 * figure), the same table in Markdown for the README, and the goal lines.
 */
import { PAYLOAD_BYTES, SATURATION_WARNING_FRACTION } from "./options.mjs";

const LABEL_WIDTH = 36;
const COLUMN_WIDTH = 13;
const MS_PER_SECOND = 1000;
const PERCENT = 100;
const FIGURE_DECIMALS = 2;
const MS_DECIMALS = 1;
/** Latencies from this many ms on are shown without decimals. */
const WHOLE_MS_FROM = 100;
const KIB_DECIMALS = 1;
const NONE = "–";

const integer = (n) => (n === null || n === undefined ? NONE : Math.round(n).toLocaleString("en-US"));
const fixed = (digits) => (n) => (n === null || n === undefined ? NONE : n.toFixed(digits));
const times = (n) => (n === null || n === undefined ? NONE : `${n.toFixed(FIGURE_DECIMALS)}×`);
const ms = (n) => fixed(n !== null && n !== undefined && n >= WHOLE_MS_FROM ? 0 : MS_DECIMALS)(n);
const pair = (a, b) => `${ms(a)} / ${ms(b)}`;

/** [label, figures → text] for every row, in order. */
function rows(options) {
  return [
    ["fan-out deliveries/s (burst)", (f) => integer(f.fanoutDeliveriesPerSecond)],
    ["  vs bare DO relay", (f) => times(f.vsBare.fanoutDeliveries)],
    ["CPU µs/delivery (serving process)", (f) => fixed(FIGURE_DECIMALS)(f.servingCpuUsPerDelivery)],
    ["  vs bare DO relay", (f) => times(f.vsBare.cpuPerDelivery)],
    ...options.latencyRatesPerSecond.flatMap((rate) => [
      [`p50 / p99 ms, fan-out at ${rate} msg/s`, (f) => pair(f.latency[rate].p50Ms, f.latency[rate].p99Ms)],
      ["  p99 vs bare DO relay", (f) => times(f.vsBare[`p99At${rate}`])],
    ]),
    [`connect storm, connections/s`, (f) => integer(f.connectsPerSecond)],
    ["  vs bare DO relay", (f) => times(f.vsBare.connectsPerSecond)],
    [`chat deliveries/s`, (f) => integer(f.chat.deliveriesPerSecond)],
    ["chat p50 / p99 ms", (f) => pair(f.chat.p50Ms, f.chat.p99Ms)],
    ["  chat p99 vs bare DO relay", (f) => times(f.vsBare.chatP99)],
    ["idle memory KiB/connection", (f) => fixed(KIB_DECIMALS)(f.kibPerConnection)],
    ["  vs bare DO relay", (f) => times(f.vsBare.idleMemory)],
    ["busiest thread's share of CPU (burst)", (f) => (f.busiestThreadShare === null ? NONE : `${Math.round(f.busiestThreadShare * PERCENT)}%`)],
    ["lost deliveries (all rounds)", (f) => integer(f.lostDeliveries)],
    ["out-of-order deliveries", (f) => integer(f.outOfOrder)],
    ["unexpected closes", (f) => integer(f.unexpectedCloses)],
  ];
}

/** One line describing the workload of the run. */
export function workloadLine(options) {
  const rates = options.latencyRatesPerSecond.join(" and ");
  return `fan-out: 1 publisher → ${options.subscribers} subscribers, ${PAYLOAD_BYTES}-byte payloads, burst of ${options.throughputMessages}, ` +
    `paced at ${rates} msg/s for ${options.latencyDurationMs / MS_PER_SECOND} s; connect storm of ${options.subscribers}; ` +
    `chat: ${options.chatClients} clients × ${options.chatRatePerSecond} msg/s for ${options.chatDurationMs / MS_PER_SECOND} s; ` +
    `idle memory: ${options.rounds} steps of ${options.memoryConnections} connections; median of ${options.rounds} round(s)`;
}

function goalLines(summary) {
  return summary.goals.map((g) => {
    const verdict = g.met === null ? "not measured" : g.met ? "met" : "NOT met";
    return `goal ${g.want}: ${verdict} (${times(g.ratio)})${g.note ? ` — ${g.note}` : ""}`;
  });
}

function saturationNotes(targets, summary, options) {
  const notes = [];
  for (const rate of options.latencyRatesPerSecond) {
    const offered = rate * options.subscribers;
    const saturated = targets.filter((t) => {
      const capacity = summary.targets[t.key].fanoutDeliveriesPerSecond;
      return capacity !== null && offered > SATURATION_WARNING_FRACTION * capacity;
    });
    if (saturated.length > 0) {
      notes.push(`note: ${rate} msg/s offers ${integer(offered)} deliveries/s, over ${SATURATION_WARNING_FRACTION * PERCENT}% of what ${saturated.map((t) => t.short).join(", ")} delivered in the burst: their latency at that rate is queueing`);
    }
  }
  return notes;
}

/** The terminal table plus goals and notes. */
export function formatTable(targets, summary, options) {
  const header = "".padEnd(LABEL_WIDTH) + targets.map((t) => t.short.padStart(COLUMN_WIDTH)).join("");
  return [
    workloadLine(options),
    header,
    "-".repeat(header.length),
    ...rows(options).map(([label, cell]) => label.padEnd(LABEL_WIDTH) + targets.map((t) => cell(summary.targets[t.key]).padStart(COLUMN_WIDTH)).join("")),
    ...goalLines(summary),
    ...saturationNotes(targets, summary, options),
  ].join("\n");
}

/** The same figures as a Markdown table with the goals as a list (for the README). */
export function formatMarkdown(targets, summary, options) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [
    `_${workloadLine(options)}._`,
    "",
    line(["", ...targets.map((t) => t.label)]),
    line(["---", ...targets.map(() => "---:")]),
    ...rows(options).map(([label, cell]) => line([label.startsWith("  ") ? `↳ ${label.trim()}` : label, ...targets.map((t) => cell(summary.targets[t.key]))])),
    "",
    ...goalLines(summary).map((text) => `- ${text.replace(/^goal /, "")}`),
  ].join("\n");
}

/**
 * @module table
 * The comparison's figures as text: a terminal table (one column per target, one row per
 * figure), roomcast's HTTP publish figures, the goal table of issue 11 and the goal lines of
 * issue 6; the same in Markdown for the README.
 */
import { BATCH_PUBLISH_ENTRIES, HTTP_CONCURRENCY, INGEST_WINDOW, PAYLOAD_BYTES, SATURATION_WARNING_FRACTION } from "./options.mjs";

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
    ["CPU µs/connect (serving process)", (f) => integer(f.stormCpuUsPerConnect)],
    ["  vs bare DO relay", (f) => times(f.vsBare.stormCpu)],
    [`chat deliveries/s`, (f) => integer(f.chat.deliveriesPerSecond)],
    ["chat p50 / p99 ms", (f) => pair(f.chat.p50Ms, f.chat.p99Ms)],
    ["  chat p99 vs bare DO relay", (f) => times(f.vsBare.chatP99)],
    [`ingest msgs/s (${options.ingestPublishers} publishers)`, (f) => integer(f.ingest.messagesPerSecond)],
    ["  vs bare DO relay", (f) => times(f.vsBare.ingest)],
    ["ingest CPU µs/message", (f) => fixed(FIGURE_DECIMALS)(f.ingest.cpuUsPerMessage)],
    ["  vs bare DO relay", (f) => times(f.vsBare.ingestCpu)],
    ["ingest p50 / p99 ms (to subscriber)", (f) => pair(f.ingest.p50Ms, f.ingest.p99Ms)],
    ["idle memory KiB/connection", (f) => fixed(KIB_DECIMALS)(f.kibPerConnection)],
    ["  vs bare DO relay", (f) => times(f.vsBare.idleMemory)],
    ["busiest thread's share of CPU (burst)", (f) => (f.busiestThreadShare === null ? NONE : `${Math.round(f.busiestThreadShare * PERCENT)}%`)],
    ["lost deliveries (all rounds)", (f) => integer(f.lostDeliveries)],
    ["out-of-order deliveries", (f) => integer(f.outOfOrder)],
    ["unexpected closes", (f) => integer(f.unexpectedCloses)],
    ["longest wait for a quiet server, ms", (f) => integer(f.quietWaitMs)],
    ["  scenarios started not quiet", (f) => integer(f.notQuiet)],
  ];
}

/** One line describing the workload of the run. */
export function workloadLine(options) {
  const rates = options.latencyRatesPerSecond.join(" and ");
  return `fan-out: 1 publisher → ${options.subscribers} subscribers, ${PAYLOAD_BYTES}-byte payloads, burst of ${options.throughputMessages}, ` +
    `paced at ${rates} msg/s for ${options.latencyDurationMs / MS_PER_SECOND} s, at least ${options.latencyMinMessages} messages; connect storm of ${options.subscribers}; ` +
    `chat: ${options.chatClients} clients × ${options.chatRatePerSecond} msg/s for ${options.chatDurationMs / MS_PER_SECOND} s; ` +
    `ingest: ${options.ingestPublishers} publishers × ${options.ingestMessagesPerPublisher} messages, ≤ ${INGEST_WINDOW} unconfirmed each (raw: own echo; v1: ack), 1 subscriber; ` +
    `idle memory: ${options.rounds} steps of ${options.memoryConnections} connections; median of ${options.rounds} round(s); ` +
    `wrangler's local trace collector ${options.localObservability ? "on" : "off"}`;
}

/** [label, text] rows of roomcast's HTTP publish figures (none when no roomcast target ran). */
function httpRows(summary) {
  const h = summary.http;
  if (!h) return [];
  return [
    [`GET /healthz requests/s (${HTTP_CONCURRENCY} in flight)`, integer(h.healthRequestsPerSecond)],
    ["single-message POST /rooms/:room/messages msgs/s", integer(h.singleMessagesPerSecond)],
    ["  CPU µs/message (serving process)", fixed(FIGURE_DECIMALS)(h.singleCpuUsPerMessage)],
    [`batch POST /publish, ${BATCH_PUBLISH_ENTRIES} entries: msgs/s`, integer(h.batchMessagesPerSecond)],
    ["  requests/s", integer(h.batchRequestsPerSecond)],
    ["  CPU µs/message (serving process)", fixed(FIGURE_DECIMALS)(h.batchCpuUsPerMessage)],
    ["  vs single-message POSTs", times(h.batchVsSingle)],
    ["failed entries (all rounds)", `${integer(h.failedMessages)}${h.firstError ? ` (first: ${h.firstError.slice(0, 120)})` : ""}`],
  ];
}

const verdict = (g) => (g.met === null ? "not measured" : g.met ? "met" : "NOT met");
/** The value of a goal: a ratio (×), or for batch publish msgs/s. */
const goalValue = (g) => (g.id === "batchPublishMessagesPerSecond" ? `${integer(g.ratio)} msgs/s` : times(g.ratio));

/** Issue 11's goals as [goal, measured, verdict] rows. */
function goalTableRows(summary) {
  return summary.goals.filter((g) => g.issue === 11).map((g) => [g.want, goalValue(g), verdict(g)]);
}

/** Issue 6's goals as lines. */
function goalLines(summary) {
  return summary.goals.filter((g) => g.issue !== 11).map((g) => `goal ${g.want}: ${verdict(g)} (${goalValue(g)})${g.note ? ` — ${g.note}` : ""}`);
}

const GOAL_WIDTH = 62;
const HTTP_LABEL_WIDTH = 52;
const VALUE_WIDTH = 16;

function goalTable(summary) {
  const rows = goalTableRows(summary);
  const notes = summary.goals.filter((g) => g.issue === 11 && g.note).map((g) => `  (${g.id}: ${g.note})`);
  return ["goals of issue 11", `${"goal".padEnd(GOAL_WIDTH)}${"measured".padStart(VALUE_WIDTH)}  verdict`, ...rows.map(([want, value, v]) => `${want.padEnd(GOAL_WIDTH)}${value.padStart(VALUE_WIDTH)}  ${v}`), ...notes];
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
    ...(summary.http ? ["", "roomcast HTTP publish (closed loop, keep-alive, one fresh room each)", ...httpRows(summary).map(([label, text]) => `${label.padEnd(HTTP_LABEL_WIDTH)}${text}`)] : []),
    "",
    ...goalTable(summary),
    "",
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
    ...(summary.http
      ? ["", `_roomcast HTTP publish: closed loop, ${HTTP_CONCURRENCY} requests in flight over keep-alive connections, one fresh room each._`, "", line(["", "roomcast"]), line(["---", "---:"]), ...httpRows(summary).map(([label, text]) => line([label.startsWith("  ") ? `↳ ${label.trim()}` : label, text]))]
      : []),
    "",
    line(["goal (issue 11)", "measured", "verdict"]),
    line(["---", "---:", "---"]),
    ...goalTableRows(summary).map((cells) => line(cells)),
    "",
    ...goalLines(summary).map((text) => `- ${text.replace(/^goal /, "")}`),
  ].join("\n");
}

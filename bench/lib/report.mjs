/**
 * @module report
 * Turns the rounds of a benchmark run into medians and ratios against the bare relay, prints
 * the side-by-side terminal table, writes bench/results/<timestamp>.json and latest.json, and
 * shows a one-line progress indicator on stderr while the run goes.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { GOAL_MAX_P99_RATIO, GOAL_MIN_THROUGHPUT_RATIO, PAYLOAD_BYTES, SATURATION_WARNING_FRACTION, TARGETS } from "./options.mjs";
import { median, percentile, ratio, round } from "./stats.mjs";

const BYTES_PER_MIB = 1024 * 1024;
const LABEL_WIDTH = 38;
const COLUMN_WIDTH = 15;
const VERSION_PROBE_TIMEOUT_MS = 10_000;
const P50 = 50;
const P90 = 90;
const P99 = 99;
const JSON_INDENT = 2;
/** Decimals kept in results: latencies (µs precision), ratios, per-delivery/per-connection figures. */
const MS_DECIMALS = 3;
const RATIO_DECIMALS = 3;
const FIGURE_DECIMALS = 2;
const WHOLE = 0;
const KIB_DECIMALS = 1;
const MS_PER_SECOND = 1000;
const PERCENT = 100;

/** What one round keeps of a throughput and a latency scenario (latency arrays are dropped). */
export function roundRecord(throughput, latency) {
  const samples = latency.latencies;
  return {
    throughput: {
      deliveriesPerSecond: round(throughput.deliveriesPerSecond, WHOLE),
      elapsedMs: round(throughput.elapsedMs),
      expected: throughput.expected,
      received: throughput.received,
      lost: throughput.lost,
      outOfOrder: throughput.outOfOrder,
      outcome: throughput.outcome,
      cpu: throughput.cpu,
    },
    latency: {
      p50Ms: round(percentile(samples, P50), MS_DECIMALS),
      p90Ms: round(percentile(samples, P90), MS_DECIMALS),
      p99Ms: round(percentile(samples, P99), MS_DECIMALS),
      maxMs: round(samples.length ? samples[samples.length - 1] : null, MS_DECIMALS),
      samples: samples.length,
      expected: latency.expected,
      lost: latency.lost,
      outOfOrder: latency.outOfOrder,
      outcome: latency.outcome,
      cpu: latency.cpu,
    },
    unexpectedCloses: throughput.unexpectedCloses + latency.unexpectedCloses,
  };
}

/** Medians over rounds per target, memory per connection, and ratios against the bare relay. */
export function summarize(roundsByTarget, memoryByTarget) {
  const summary = {};
  for (const { key, label } of TARGETS) {
    const rounds = roundsByTarget[key];
    const memory = memoryByTarget[key];
    summary[key] = {
      label,
      deliveriesPerSecond: round(median(rounds.map((r) => r.throughput.deliveriesPerSecond)), WHOLE),
      p50Ms: round(median(rounds.map((r) => r.latency.p50Ms)), MS_DECIMALS),
      p99Ms: round(median(rounds.map((r) => r.latency.p99Ms)), MS_DECIMALS),
      lostDeliveries: rounds.reduce((sum, r) => sum + r.throughput.lost + r.latency.lost, 0),
      outOfOrder: rounds.reduce((sum, r) => sum + r.throughput.outOfOrder + r.latency.outOfOrder, 0),
      servingCpuUsPerDelivery: round(median(rounds.map((r) => r.throughput.cpu?.servingUsPerDelivery)), FIGURE_DECIMALS),
      proxyCpuUsPerDelivery: round(median(rounds.map((r) => r.throughput.cpu?.proxyUsPerDelivery)), FIGURE_DECIMALS),
      kibPerConnection: memory?.servingKiBPerConnection ?? null,
      proxyKibPerConnection: memory?.proxyKiBPerConnection ?? null,
    };
  }
  for (const key of Object.keys(summary)) {
    summary[key].deliveriesPerSecondVsBare = round(ratio(summary[key].deliveriesPerSecond, summary.bare.deliveriesPerSecond), RATIO_DECIMALS);
    summary[key].p99VsBare = round(ratio(summary[key].p99Ms, summary.bare.p99Ms), RATIO_DECIMALS);
    summary[key].servingCpuVsBare = round(ratio(summary[key].servingCpuUsPerDelivery, summary.bare.servingCpuUsPerDelivery), RATIO_DECIMALS);
  }
  const raw = summary.raw;
  const goals = {
    throughput: { want: `raw deliveries/s ≥ ${GOAL_MIN_THROUGHPUT_RATIO}× bare`, ratio: raw.deliveriesPerSecondVsBare, met: raw.deliveriesPerSecondVsBare !== null && raw.deliveriesPerSecondVsBare >= GOAL_MIN_THROUGHPUT_RATIO },
    p99: { want: `raw p99 ≤ ${GOAL_MAX_P99_RATIO}× bare`, ratio: raw.p99VsBare, met: raw.p99VsBare !== null && raw.p99VsBare <= GOAL_MAX_P99_RATIO },
  };
  return { targets: summary, goals };
}

const integer = (n) => (n === null ? "–" : Math.round(n).toLocaleString("en-US"));
const fixed = (digits) => (n) => (n === null ? "–" : n.toFixed(digits));
const times = (n) => (n === null ? "–" : `${n.toFixed(FIGURE_DECIMALS)}×`);

/** The terminal table: one column per target, one row per figure. */
export function formatTable(summary, options) {
  const rows = [
    ["deliveries/s (throughput)", "deliveriesPerSecond", integer],
    ["lost deliveries (all rounds)", "lostDeliveries", integer],
    ["p50 latency (ms)", "p50Ms", fixed(FIGURE_DECIMALS)],
    ["p99 latency (ms)", "p99Ms", fixed(FIGURE_DECIMALS)],
    ["CPU µs/delivery (serving workerd)", "servingCpuUsPerDelivery", fixed(FIGURE_DECIMALS)],
    ["  wrangler proxy workerd µs/delivery", "proxyCpuUsPerDelivery", fixed(FIGURE_DECIMALS)],
    ["memory KiB/conn (serving workerd)", "kibPerConnection", fixed(KIB_DECIMALS)],
    ["  wrangler proxy workerd KiB/conn", "proxyKibPerConnection", fixed(KIB_DECIMALS)],
    ["deliveries/s vs bare relay", "deliveriesPerSecondVsBare", times],
    ["p99 vs bare relay", "p99VsBare", times],
    ["serving CPU/delivery vs bare relay", "servingCpuVsBare", times],
  ];
  const header = "".padEnd(LABEL_WIDTH) + TARGETS.map((t) => t.label.padStart(COLUMN_WIDTH)).join("");
  const lines = [
    `fan-out: 1 publisher → ${options.subscribers} subscribers, ${PAYLOAD_BYTES}-byte payloads; throughput ${options.throughputMessages} msgs burst, ` +
      `latency ${options.latencyRatePerSecond} msg/s for ${options.latencyDurationMs / MS_PER_SECOND} s; median of ${options.rounds} round(s)`,
    header,
    "-".repeat(header.length),
    ...rows.map(([label, field, format]) => label.padEnd(LABEL_WIDTH) + TARGETS.map((t) => format(summary.targets[t.key][field]).padStart(COLUMN_WIDTH)).join("")),
  ];
  const { throughput, p99 } = summary.goals;
  lines.push(`goal ${throughput.want}: ${throughput.met ? "met" : "NOT met"} (${times(throughput.ratio)});  goal ${p99.want}: ${p99.met ? "met" : "NOT met"} (${times(p99.ratio)})`);
  const offered = options.latencyRatePerSecond * options.subscribers;
  for (const { key, label } of TARGETS) {
    const capacity = summary.targets[key].deliveriesPerSecond;
    if (capacity !== null && offered > SATURATION_WARNING_FRACTION * capacity) {
      lines.push(`note: the latency scenario offers ${integer(offered)} deliveries/s, over ${SATURATION_WARNING_FRACTION * PERCENT}% of the ${integer(capacity)}/s ${label} reached: its p50/p99 include queueing (try --rate)`);
    }
  }
  return lines.join("\n");
}

function probeVersion(file, args) {
  try {
    return execFileSync(file, args, { encoding: "utf8", timeout: VERSION_PROBE_TIMEOUT_MS, stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** Machine and runtime facts stored with every result. */
export function machineInfo(root) {
  const cpuList = cpus();
  const wranglerPackage = JSON.parse(readFileSync(join(root, "node_modules/wrangler/package.json"), "utf8"));
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? null,
    totalMemoryMiB: Math.round(totalmem() / BYTES_PER_MIB),
    loadAverageAtEnd: loadavg().map((n) => round(n, FIGURE_DECIMALS)),
    platform: `${process.platform} ${release()}`,
    node: process.version,
    workerd: probeVersion(join(root, "node_modules/.bin/workerd"), ["--version"]),
    wrangler: wranglerPackage.version,
  };
}

/** The roomcast revision measured: commit, and whether src/ had uncommitted changes. */
export function sourceInfo(root) {
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const dirty = git("status", "--porcelain", "--", "src", "wrangler.toml");
  return { commit: git("rev-parse", "HEAD"), srcUncommittedChanges: dirty === null ? null : dirty.length > 0 };
}

/** Writes the run to results/<timestamp>.json and results/latest.json; returns both paths. */
export function writeResults(resultsDir, document) {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = document.startedAt.replace(/[:.]/g, "-");
  const text = `${JSON.stringify(document, null, JSON_INDENT)}\n`;
  const files = [join(resultsDir, `${stamp}.json`), join(resultsDir, "latest.json")];
  for (const file of files) writeFileSync(file, text);
  return files;
}

/** A progress line on stderr: rewritten in place on a terminal, one line per phase otherwise. */
export function createProgress(stream = process.stderr) {
  let phase = "";
  const write = (text) => (stream.isTTY ? stream.write(`\r\x1b[K${text}`) : stream.write(`${text}\n`));
  return {
    phase(text) {
      phase = text;
      write(text);
    },
    count(received, expected) {
      if (stream.isTTY) stream.write(`\r\x1b[K${phase} ${received.toLocaleString("en-US")}/${expected.toLocaleString("en-US")}`);
    },
    done() {
      if (stream.isTTY) stream.write("\r\x1b[K");
    },
  };
}

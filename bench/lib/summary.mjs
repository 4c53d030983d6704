/**
 * @module summary
 * Turns measured scenarios into what results keep: one record per scenario and round (latency
 * arrays reduced to percentiles), then medians over rounds per target, ratios against the bare
 * relay, roomcast's HTTP publish figures, and the goals of issues 6 and 11 (reported, never
 * enforced).
 */
import { BASELINE_KEY } from "./targets.mjs";
import { GOALS, SATURATION_WARNING_FRACTION } from "./options.mjs";
import { median, percentile, ratio, round } from "./stats.mjs";

const P50 = 50;
const P90 = 90;
const P99 = 99;
const MS_DECIMALS = 3;
const RATIO_DECIMALS = 3;
const FIGURE_DECIMALS = 2;
const WHOLE = 0;
const US_PER_MS = 1000;
const MS_PER_SECOND = 1000;
const PERCENT = 100;

/** What one round keeps of a scenario run by LoadPool.runScenario (latencies become percentiles). */
export function scenarioRecord(result) {
  const samples = result.latencies;
  return {
    deliveriesPerSecond: round(result.deliveriesPerSecond, WHOLE),
    elapsedMs: round(result.elapsedMs),
    expected: result.expected,
    received: result.received,
    lost: result.lost,
    outOfOrder: result.outOfOrder,
    unexpectedCloses: result.unexpectedCloses,
    outcome: result.outcome,
    ...(samples.length > 0
      ? {
          p50Ms: round(percentile(samples, P50), MS_DECIMALS),
          p90Ms: round(percentile(samples, P90), MS_DECIMALS),
          p99Ms: round(percentile(samples, P99), MS_DECIMALS),
          maxMs: round(samples[samples.length - 1], MS_DECIMALS),
          samples: samples.length,
        }
      : {}),
    cpu: result.cpu,
  };
}

/** The connect storm of one round: N clients to a fresh room, many at once; `servingCpuMs` the serving process used meanwhile. */
export function stormRecord(connect, servingCpuMs) {
  return {
    connections: connect.opened,
    elapsedMs: round(connect.elapsedMs),
    connectionsPerSecond: round((connect.opened * MS_PER_SECOND) / connect.elapsedMs, WHOLE),
    servingCpuUsPerConnect: connect.opened > 0 ? round((servingCpuMs * US_PER_MS) / connect.opened, WHOLE) : null,
  };
}

const med = (values, digits) => round(median(values), digits);
const sum = (values) => values.reduce((total, v) => total + (v ?? 0), 0);

/** Share of the serving process's CPU its busiest thread used (1 = everything on one thread). */
function busiestThreadShare(cpu) {
  const threads = cpu?.threads ?? [];
  const total = sum(threads.map((t) => t.ms));
  return total > 0 ? threads[0].ms / total : null;
}

function targetFigures(target, rounds, memory, rates) {
  const all = (pick) => rounds.map(pick);
  const latency = Object.fromEntries(rates.map((rate) => [rate, {
    p50Ms: med(all((r) => r.latency[rate]?.p50Ms), MS_DECIMALS),
    p99Ms: med(all((r) => r.latency[rate]?.p99Ms), MS_DECIMALS),
  }]));
  const scenarios = rounds.flatMap((r) => [r.throughput, ...Object.values(r.latency), ...(r.chat ? [r.chat] : []), ...(r.ingest ? [r.ingest] : [])]);
  return {
    label: target.label,
    fanoutDeliveriesPerSecond: med(all((r) => r.throughput.deliveriesPerSecond), WHOLE),
    servingCpuUsPerDelivery: med(all((r) => r.throughput.cpu?.servingUsPerDelivery), FIGURE_DECIMALS),
    proxyCpuUsPerDelivery: med(all((r) => r.throughput.cpu?.proxyUsPerDelivery), FIGURE_DECIMALS),
    busiestThreadShare: med(all((r) => busiestThreadShare(r.throughput.cpu)), RATIO_DECIMALS),
    latency,
    connectsPerSecond: med(all((r) => r.storm.connectionsPerSecond), WHOLE),
    stormCpuUsPerConnect: med(all((r) => r.storm.servingCpuUsPerConnect), WHOLE),
    /** Longest wait in any round for the serving process to be quiet before a measured scenario (quiet.mjs). */
    quietWaitMs: Math.max(0, ...rounds.flatMap((r) => Object.values(r.quiet ?? {}).map((q) => q.waitedMs))),
    notQuiet: sum(rounds.map((r) => Object.values(r.quiet ?? {}).filter((q) => !q.quiet).length)),
    chat: {
      deliveriesPerSecond: med(all((r) => r.chat?.deliveriesPerSecond), WHOLE),
      p50Ms: med(all((r) => r.chat?.p50Ms), MS_DECIMALS),
      p99Ms: med(all((r) => r.chat?.p99Ms), MS_DECIMALS),
    },
    ingest: {
      messagesPerSecond: med(all((r) => r.ingest?.deliveriesPerSecond), WHOLE),
      cpuUsPerMessage: med(all((r) => r.ingest?.cpu?.servingUsPerDelivery), FIGURE_DECIMALS),
      p50Ms: med(all((r) => r.ingest?.p50Ms), MS_DECIMALS),
      p99Ms: med(all((r) => r.ingest?.p99Ms), MS_DECIMALS),
    },
    kibPerConnection: med((memory?.steps ?? []).map((s) => s.kibPerConnection), FIGURE_DECIMALS),
    lostDeliveries: sum(scenarios.map((s) => s.lost)),
    outOfOrder: sum(scenarios.map((s) => s.outOfOrder)),
    unexpectedCloses: sum(scenarios.map((s) => s.unexpectedCloses)),
  };
}

const vs = (a, b) => round(ratio(a, b), RATIO_DECIMALS);

/** Medians per target, ratios against the bare relay, and the goals. */
export function summarize(targets, roundsByTarget, memoryByTarget, options, httpRounds = []) {
  const rates = options.latencyRatesPerSecond;
  const figures = Object.fromEntries(targets.map((t) => [t.key, targetFigures(t, roundsByTarget[t.key], memoryByTarget[t.key], rates)]));
  const bare = figures[BASELINE_KEY];
  for (const f of Object.values(figures)) {
    f.vsBare = {
      fanoutDeliveries: vs(f.fanoutDeliveriesPerSecond, bare.fanoutDeliveriesPerSecond),
      cpuPerDelivery: vs(f.servingCpuUsPerDelivery, bare.servingCpuUsPerDelivery),
      ...Object.fromEntries(rates.map((rate) => [`p99At${rate}`, vs(f.latency[rate].p99Ms, bare.latency[rate].p99Ms)])),
      connectsPerSecond: vs(f.connectsPerSecond, bare.connectsPerSecond),
      stormCpu: vs(f.stormCpuUsPerConnect, bare.stormCpuUsPerConnect),
      chatP99: vs(f.chat.p99Ms, bare.chat.p99Ms),
      idleMemory: vs(f.kibPerConnection, bare.kibPerConnection),
      ingest: vs(f.ingest.messagesPerSecond, bare.ingest.messagesPerSecond),
      ingestCpu: vs(f.ingest.cpuUsPerMessage, bare.ingest.cpuUsPerMessage),
    };
  }
  const http = httpFigures(httpRounds);
  return { targets: figures, http, goals: goals(figures, http, options) };
}

/** Medians of roomcast's HTTP publish loops over the rounds; null when no roomcast target ran. */
function httpFigures(httpRounds) {
  if (httpRounds.length === 0) return null;
  const all = (pick) => httpRounds.map(pick);
  const batch = med(all((r) => r.batch.messagesPerSecond), WHOLE);
  const single = med(all((r) => r.single.messagesPerSecond), WHOLE);
  return {
    healthRequestsPerSecond: med(all((r) => r.health.requestsPerSecond), WHOLE),
    singleMessagesPerSecond: single,
    singleCpuUsPerMessage: med(all((r) => r.single.servingCpuUsPerMessage), FIGURE_DECIMALS),
    batchRequestsPerSecond: med(all((r) => r.batch.requestsPerSecond), WHOLE),
    batchMessagesPerSecond: batch,
    batchCpuUsPerMessage: med(all((r) => r.batch.servingCpuUsPerMessage), FIGURE_DECIMALS),
    batchVsSingle: vs(batch, single),
    failedMessages: sum(httpRounds.flatMap((r) => [r.single.failed, r.batch.failed])),
    firstError: httpRounds.map((r) => r.batch.firstError ?? r.single.firstError).find(Boolean) ?? null,
  };
}

/** Says whether `rate` × `n` deliveries/s saturated raw or bare (over the warning share of what each delivered in the burst). */
function saturationNote(f, n, rate) {
  const offered = n * rate;
  const over = ["raw", BASELINE_KEY].filter((key) => f[key]?.fanoutDeliveriesPerSecond && offered > SATURATION_WARNING_FRACTION * f[key].fanoutDeliveriesPerSecond);
  return over.length > 0
    ? `saturating: ${offered.toLocaleString("en-US")} deliveries/s offered is over ${SATURATION_WARNING_FRACTION * PERCENT}% of what ${over.join(" and ")} delivered in the burst, so the p99 is queueing`
    : `not saturating: ${offered.toLocaleString("en-US")} deliveries/s offered`;
}

function goal(issue, id, want, value, threshold, direction, note) {
  const met = value === null || value === undefined ? null : direction === "min" ? value >= threshold : value <= threshold;
  return { issue, id, want, ratio: value ?? null, goal: threshold, met, ...(note ? { note } : {}) };
}

/**
 * Issue 11's goals first (ratios to bare, batch publish in msgs/s), then issue 6's; a goal whose
 * targets were not run has ratio null and met null.
 */
function goals(f, http, options) {
  const [rate, lowRate] = options.latencyRatesPerSecond;
  const n = options.subscribers;
  const get = (key, pick) => (f[key] ? pick(f[key]) : null);
  return [
    goal(11, "rawVsBareFanout", `raw fan-out deliveries/s ≥ ${GOALS.rawVsBareFanout}× bare`, get("raw", (t) => t.vsBare.fanoutDeliveries), GOALS.rawVsBareFanout, "min"),
    goal(11, "v1VsBareFanout", `v1 fan-out deliveries/s ≥ ${GOALS.v1VsBareFanout}× bare`, get("v1", (t) => t.vsBare.fanoutDeliveries), GOALS.v1VsBareFanout, "min"),
    goal(11, "rawVsBareIngest", `raw ingest msgs/s (${options.ingestPublishers} publishers) ≥ ${GOALS.rawVsBareIngest}× bare`, get("raw", (t) => t.vsBare.ingest), GOALS.rawVsBareIngest, "min"),
    goal(11, "rawVsBareConnects", `raw connect storm connections/s ≥ ${GOALS.vsBareConnects}× bare`, get("raw", (t) => t.vsBare.connectsPerSecond), GOALS.vsBareConnects, "min"),
    goal(11, "v1VsBareConnects", `v1 connect storm connections/s ≥ ${GOALS.vsBareConnects}× bare`, get("v1", (t) => t.vsBare.connectsPerSecond), GOALS.vsBareConnects, "min"),
    goal(11, "rawVsBareIdleMemory", `raw idle memory per connection ≤ ${GOALS.rawVsBareIdleMemory}× bare`, get("raw", (t) => t.vsBare.idleMemory), GOALS.rawVsBareIdleMemory, "max"),
    goal(11, "v1VsBareIdleMemory", `v1 idle memory per connection ≤ ${GOALS.v1VsBareIdleMemory}× bare`, get("v1", (t) => t.vsBare.idleMemory), GOALS.v1VsBareIdleMemory, "max"),
    goal(11, "batchPublishMessagesPerSecond", `batch publish (100-entry POST /publish) ≥ ${GOALS.batchPublishMessagesPerSecond.toLocaleString("en-US")} msgs/s`, http?.batchMessagesPerSecond ?? null, GOALS.batchPublishMessagesPerSecond, "min",
      http ? `absolute msgs/s, not a ratio; same run: single-message POSTs ${http.singleMessagesPerSecond} msgs/s, GET /healthz ${http.healthRequestsPerSecond} req/s` : undefined),
    goal(6, "batchVsBareMessages", `v1 batchMs=20 delivered messages/s ≥ ${GOALS.batchVsBareMessages}× bare`, get("batch", (t) => t.vsBare.fanoutDeliveries), GOALS.batchVsBareMessages, "min"),
    goal(6, "rawVsPartyserverFanout", `raw fan-out deliveries/s ≥ ${GOALS.rawVsPartyserverFanout}× partyserver`, f.raw && f.party ? vs(f.raw.fanoutDeliveriesPerSecond, f.party.fanoutDeliveriesPerSecond) : null, GOALS.rawVsPartyserverFanout, "min"),
    goal(6, "rawVsBareP99", `raw p99 at ${n} subscribers × ${rate} msg/s ≤ ${GOALS.rawVsBareP99}× bare`, get("raw", (t) => t.vsBare[`p99At${rate}`]), GOALS.rawVsBareP99, "max", saturationNote(f, n, rate)),
    ...(lowRate ? [goal(6, "rawVsBareP99Low", `raw p99 at ${n} subscribers × ${lowRate} msg/s ≤ ${GOALS.rawVsBareP99}× bare`, get("raw", (t) => t.vsBare[`p99At${lowRate}`]), GOALS.rawVsBareP99, "max", saturationNote(f, n, lowRate))] : []),
    goal(6, "shardVsSingleObject", "4-shard room delivers more per second than one object (raw)", f.shard && f.raw ? vs(f.shard.fanoutDeliveriesPerSecond, f.raw.fanoutDeliveriesPerSecond) : null, 1, "min",
      f.shard?.busiestThreadShare != null ? `the serving workerd's busiest thread did ${Math.round(f.shard.busiestThreadShare * PERCENT)}% of its CPU during the 4-shard burst: locally every Durable Object runs on that one thread` : undefined),
  ];
}

/**
 * @module run
 * `npm run bench [-- --quick]`: fan-out benchmark of roomcast (raw and roomcast.v1) against a
 * bare Durable Object relay (bench/bare-relay). Starts both servers with `wrangler dev`,
 * measures memory per idle connection, warms up, then runs the rounds — targets alternate,
 * the order rotating every round — and prints medians side by side; results go to
 * bench/results/<timestamp>.json and latest.json. Every spawned process is killed at the end,
 * on error, on Ctrl-C, and when the whole run exceeds RUN_TIMEOUT_MS.
 */
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { LoadPool, closePublisher, openPublisher, publishBurst, publishPaced } from "./lib/load.mjs";
import {
  MEMORY_SETTLE_MS,
  MEMORY_WARM_CONNECTIONS,
  QUIET_MS,
  RUN_TIMEOUT_MS,
  TARGETS,
  WARMUP,
  parseOptions,
} from "./lib/options.mjs";
import { createProgress, formatTable, machineInfo, roundRecord, sourceInfo, summarize, writeResults } from "./lib/report.mjs";
import { cpuMs, findWorkerdPids, killAllServersNow, reloadCount, rssKiB, serverDefinitions, startServer, stopServer, waitReady } from "./lib/servers.mjs";
import { round } from "./lib/stats.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_DIR = join(ROOT, "bench/results");
const MS_PER_SECOND = 1000;
const US_PER_MS = 1000;
const EXIT_FAILURE = 1;
const EXIT_INTERRUPTED = 130;
/** A measurement that a wrangler reload (src/ edited meanwhile) spoiled is repeated this often. */
const MAX_RELOAD_RETRIES = 2;

const progress = createProgress();
const servers = {};
let pool = null;
let reloadsSeen = 0;

const modeOf = (target) => (target.subprotocol ? "v1" : "raw");
const roomUrl = (target, room) => `ws://127.0.0.1:${servers[target.server].port}/rooms/${room}`;
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/**
 * Runs `measure()`; when the target's wrangler reloaded meanwhile (a watched file changed, every
 * socket dropped) waits for it and repeats, at most MAX_RELOAD_RETRIES times.
 */
async function withReloadRetry(target, what, measure) {
  const server = servers[target.server];
  for (let attempt = 0; ; attempt++) {
    const before = reloadCount(server);
    let outcome;
    try {
      outcome = { value: await measure() };
    } catch (error) {
      outcome = { error };
    }
    if (reloadCount(server) === before) {
      if (outcome.error) throw outcome.error;
      return outcome.value;
    }
    reloadsSeen++;
    if (attempt >= MAX_RELOAD_RETRIES) throw new Error(`${server.name} reloaded during ${what} ${attempt + 1} times (files it watches keep changing); run again later`);
    console.error(`\nbench: ${server.name} reloaded during ${what} (a watched source file changed); repeating it`);
    await waitReady(server);
  }
}

/** RSS growth of the serving (and proxy) workerd per idle connection, for every target. */
async function measureMemory(options, stamp) {
  const memory = {};
  const publishers = [];
  const groups = [];
  for (const target of TARGETS) {
    memory[target.key] = await withReloadRetry(target, `the ${target.label} memory measurement`, async () => {
      progress.phase(`memory: ${target.label}, ${options.subscribers} idle connections`);
      const room = `bench-mem-${target.key}-${stamp}-${reloadsSeen}`;
      const url = roomUrl(target, room);
      const pids = findWorkerdPids(servers[target.server]);
      // The publisher instantiates the room object and the warm connections run the connect path
      // once; both stay open, so nothing freed before the baseline can be reused by the N below.
      publishers.push(await openPublisher(url, target.subprotocol));
      groups.push(`warm-${room}`, room);
      await pool.connect(`warm-${room}`, url, MEMORY_WARM_CONNECTIONS, target.subprotocol);
      await sleep(MEMORY_SETTLE_MS);
      const before = { serving: rssKiB(pids.serving), proxy: pids.proxy ? rssKiB(pids.proxy) : null };
      await pool.connect(room, url, options.subscribers, target.subprotocol);
      await sleep(MEMORY_SETTLE_MS);
      const after = { serving: rssKiB(pids.serving), proxy: pids.proxy ? rssKiB(pids.proxy) : null };
      return {
        connections: options.subscribers,
        servingPid: pids.serving,
        servingRssKiB: { before: before.serving, after: after.serving },
        servingKiBPerConnection: round((after.serving - before.serving) / options.subscribers),
        proxyRssKiB: { before: before.proxy, after: after.proxy },
        proxyKiBPerConnection: pids.proxy ? round((after.proxy - before.proxy) / options.subscribers) : null,
      };
    });
  }
  progress.phase("memory: closing idle connections");
  for (const group of groups) await pool.close(group);
  publishers.forEach(closePublisher);
  return memory;
}

/** CPU used by the serving and proxy workerd while `scenario` ran, also per delivery. */
async function runMeasured(pids, scenario) {
  const snapshot = () => ({ serving: cpuMs(pids.serving), proxy: pids.proxy ? cpuMs(pids.proxy) : null });
  const before = snapshot();
  const result = await pool.runScenario(scenario);
  const after = snapshot();
  const perDelivery = (ms) => round((ms * US_PER_MS) / result.received);
  result.cpu = {
    servingMs: after.serving - before.serving,
    servingUsPerDelivery: perDelivery(after.serving - before.serving),
    proxyMs: pids.proxy ? after.proxy - before.proxy : null,
    proxyUsPerDelivery: pids.proxy ? perDelivery(after.proxy - before.proxy) : null,
  };
  return result;
}

/** One target, one round: connect, throughput burst, paced latency run, disconnect. */
async function runTarget(target, profile, roundLabel, stamp) {
  const room = `bench-${target.key}-${roundLabel}-${stamp}-${reloadsSeen}`;
  const url = roomUrl(target, room);
  const mode = modeOf(target);
  const group = room;
  const prefix = `[${roundLabel}] ${target.label}:`;
  progress.phase(`${prefix} connecting ${profile.subscribers} subscribers`);
  const pids = findWorkerdPids(servers[target.server]);
  const publisher = await openPublisher(url, target.subprotocol);
  try {
    await pool.connect(group, url, profile.subscribers, target.subprotocol);
    await sleep(QUIET_MS);
    progress.phase(`${prefix} throughput, deliveries`);
    const throughput = await runMeasured(pids, {
      group, runId: `${target.key}${roundLabel}t`, mode, messages: profile.throughputMessages, recordLatency: false,
      send: () => publishBurst(publisher, mode, `${target.key}${roundLabel}t`, profile.throughputMessages),
    });
    await sleep(QUIET_MS);
    const latencyMessages = Math.round((profile.latencyRatePerSecond * profile.latencyDurationMs) / MS_PER_SECOND);
    progress.phase(`${prefix} latency at ${profile.latencyRatePerSecond} msg/s, deliveries`);
    const latency = await runMeasured(pids, {
      group, runId: `${target.key}${roundLabel}l`, mode, messages: latencyMessages, recordLatency: true,
      send: () => publishPaced(publisher, mode, `${target.key}${roundLabel}l`, latencyMessages, profile.latencyRatePerSecond),
    });
    return roundRecord(throughput, latency);
  } finally {
    progress.phase(`${prefix} disconnecting`);
    closePublisher(publisher);
    await pool.close(group);
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg().map((n) => round(n));
  const stamp = Date.now().toString(36);
  const definitions = serverDefinitions(ROOT);
  progress.phase("starting roomcast and the bare relay (wrangler dev)…");
  const started = await Promise.allSettled(definitions.map((definition) => startServer(definition, ROOT)));
  started.forEach((result, i) => result.status === "fulfilled" && (servers[definitions[i].name] = result.value));
  const failure = started.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;

  pool = new LoadPool(options.workers, (received, expected) => progress.count(received, expected));
  const memory = await measureMemory(options, stamp);
  for (const target of TARGETS) await withReloadRetry(target, `the ${target.label} warm-up`, () => runTarget(target, WARMUP, "warmup", stamp));

  const rounds = Object.fromEntries(TARGETS.map((t) => [t.key, []]));
  for (let r = 0; r < options.rounds; r++) {
    const label = `round${r + 1}of${options.rounds}`;
    for (const target of rotate(TARGETS, r)) {
      rounds[target.key].push(await withReloadRetry(target, `${label} of ${target.label}`, () => runTarget(target, options, label, stamp)));
    }
  }
  progress.done();

  const summary = summarize(rounds, memory);
  console.log(formatTable(summary, options));
  const files = writeResults(RESULTS_DIR, {
    startedAt,
    finishedAt: new Date().toISOString(),
    options,
    machine: { ...machineInfo(ROOT), loadAverageAtStart },
    source: sourceInfo(ROOT),
    reloadsRepeated: reloadsSeen,
    notes: [
      "All processes (both wrangler dev servers with two workerd each, the load workers, the publisher) share this machine's CPUs.",
      "Connections pass through wrangler's proxy workerd; memory per connection is the serving workerd's VmRSS growth, measured once per run after warm connections.",
      "permessage-deflate is off for every client. Latency = receive time − send time on the shared clock (performance.timeOrigin + now()).",
    ],
    servers: Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, { command: s.command }])),
    summary,
    memory,
    rounds,
  });
  console.log(`results: ${files.map((f) => f.slice(ROOT.length + 1)).join(", ")}`);
}

/** Stops the load workers and both servers, once however often it is called. After a failure the server logs are kept. */
let cleaning = null;
function cleanup({ failed = false } = {}) {
  cleaning ??= (async () => {
    await pool?.stop();
    const logs = await Promise.all(Object.values(servers).map((server) => stopServer(server, { keepLog: failed })));
    for (const log of logs.filter(Boolean)) console.error(`server log kept: ${log}`);
  })();
  return cleaning;
}
let interrupted = false;

process.on("exit", () => {
  pool?.killNow();
  killAllServersNow();
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    interrupted = true;
    progress.done();
    console.error(`\nbench: ${signal}, stopping every process…`);
    await cleanup({ failed: true });
    process.exit(EXIT_INTERRUPTED);
  });
}
const runTimer = setTimeout(async () => {
  interrupted = true;
  progress.done();
  console.error(`\nbench: the run took longer than ${RUN_TIMEOUT_MS / MS_PER_SECOND} s; stopping every process.`);
  await cleanup({ failed: true });
  process.exit(EXIT_FAILURE);
}, RUN_TIMEOUT_MS);

try {
  await main();
} catch (error) {
  progress.done();
  if (!interrupted) console.error(`\nbench failed: ${error?.message ?? error}`);
  process.exitCode = EXIT_FAILURE;
} finally {
  clearTimeout(runTimer);
  await cleanup({ failed: process.exitCode === EXIT_FAILURE });
}

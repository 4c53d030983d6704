/**
 * @module run
 * `npm run bench [-- --quick | --scale]`: one run, one machine, one load generator. Starts
 * roomcast (a snapshot of HEAD, with ROOM_POLICIES for batched and sharded rooms), the bare
 * Durable Object relay and a partyserver relay (each `wrangler dev`, same workerd), a Node `ws`
 * server and Bun's pub/sub; measures idle memory, then rounds of connect storm, fan-out burst,
 * paced fan-out latency, chat and ingest per target — targets alternate, the order rotating
 * every round — plus roomcast's HTTP batch publish, and prints medians, ratios to the bare
 * relay and the goals of issues 6 and 11; writes JSON, an SVG chart and
 * Markdown tables under bench/results/. `--scale` runs only the sharded-room scale scenario.
 * Every spawned process is killed at the end, on error, on Ctrl-C, and on the run timeout.
 */
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureMemory, rotate, runTarget } from "./lib/compare.mjs";
import { runHttpPublish } from "./lib/http-publish.mjs";
import { LoadPool } from "./lib/load.mjs";
import { QUICK_RUN_TIMEOUT_MS, RUN_TIMEOUT_MS, WARMUP, parseOptions } from "./lib/options.mjs";
import { createProgress, machineInfo, writeResults } from "./lib/results.mjs";
import { formatScale, runScale } from "./lib/scale.mjs";
import { killAllServersNow, reloadCount, startServer, stopServer, waitReady } from "./lib/servers.mjs";
import { snapshotHead, sourceInfo } from "./lib/source.mjs";
import { round } from "./lib/stats.mjs";
import { summarize } from "./lib/summary.mjs";
import { renderChart } from "./lib/svg.mjs";
import { formatMarkdown, formatTable } from "./lib/table.mjs";
import { TARGETS, TARGET_KEYS, definitionsFor, serverDefinitions } from "./lib/targets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_DIR = join(ROOT, "bench/results");
const MS_PER_SECOND = 1000;
const EXIT_FAILURE = 1;
const EXIT_INTERRUPTED = 130;
/** A measurement that a wrangler reload (--worktree, src/ edited meanwhile) spoiled is repeated this often. */
const MAX_RELOAD_RETRIES = 2;

const progress = createProgress();
const servers = {};
let pool = null;
let snapshot = null;
const ctx = { servers, progress, attempt: 0, stamp: Date.now().toString(36) };

/** Runs `measure()`; when the target's server reloaded meanwhile, waits for it and repeats (bounded). */
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
    ctx.attempt++;
    if (attempt >= MAX_RELOAD_RETRIES) throw new Error(`${server.name} reloaded during ${what} ${attempt + 1} times (files it watches keep changing); run again later`);
    console.error(`\nbench: ${server.name} reloaded during ${what} (a watched source file changed); repeating it`);
    await waitReady(server);
  }
}

async function startServers(definitions, options) {
  progress.phase(`starting ${definitions.map((d) => d.name).join(", ")}…`);
  const started = await Promise.allSettled(definitions.map((definition) => startServer(definition, { viaProxy: options.viaProxy, localObservability: options.localObservability })));
  started.forEach((result, i) => result.status === "fulfilled" && (servers[definitions[i].name] = result.value));
  const failure = started.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}

function serverRecords() {
  return Object.fromEntries(Object.values(servers).map((s) => [s.name, { command: s.command, servingPid: s.pids.serving, clientsConnectTo: s.connectPort === s.port ? "public port" : "serving process's entry socket" }]));
}

async function compare(options, targets, startedAt) {
  const memory = await measureMemory(ctx, targets);
  // Batch publish is HTTP into roomcast: measured once per round when a roomcast target runs.
  const httpTarget = targets.find((t) => t.server === "roomcast");
  const httpPublish = (profile, label) => withReloadRetry(httpTarget, `${label} batch publish`, () => {
    progress.phase(`[${label}] roomcast HTTP: GET /healthz, single POSTs, ${profile.batchRequests} × POST /publish`);
    return runHttpPublish(ctx, profile, label);
  });
  for (const target of targets) await withReloadRetry(target, `the ${target.label} warm-up`, () => runTarget(ctx, target, WARMUP, "warmup"));
  if (httpTarget) await httpPublish(WARMUP, "warmup");
  const rounds = Object.fromEntries(targets.map((t) => [t.key, []]));
  const httpRounds = [];
  for (let r = 0; r < options.rounds; r++) {
    const label = `round${r + 1}of${options.rounds}`;
    for (const target of rotate(targets, r)) {
      rounds[target.key].push(await withReloadRetry(target, `${label} of ${target.label}`, () => runTarget(ctx, target, options, label)));
    }
    if (httpTarget) httpRounds.push(await httpPublish(options, label));
  }
  progress.done();
  const summary = summarize(targets, rounds, memory, options, httpRounds);
  console.log(formatTable(targets, summary, options));
  const subtitle = `${startedAt.slice(0, 10)} · ${machineInfo(ROOT).cpus} cores · ${options.subscribers} subscribers · median of ${options.rounds} round(s)${options.quick ? " (--quick)" : ""}`;
  return {
    document: { summary, memory, rounds, httpRounds },
    extras: { svg: renderChart(targets, summary, options, subtitle), md: `${formatMarkdown(targets, summary, options)}\n` },
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2), TARGET_KEYS);
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg().map((n) => round(n));
  const targets = options.scale ? [] : TARGETS.filter((t) => !options.targets || options.targets.includes(t.key));
  if (!options.worktree) snapshot = snapshotHead(ROOT);
  const roomcastDir = snapshot?.dir ?? ROOT;
  const definitions = definitionsFor(options.scale ? [{ server: "roomcast" }] : targets, serverDefinitions(ROOT, roomcastDir));
  await startServers(definitions, options);
  pool = new LoadPool(options.workers, (received, expected) => progress.count(received, expected));
  Object.assign(ctx, { pool, options });

  const result = options.scale ? await runScale(ctx) : await compare(options, targets, startedAt);
  if (options.scale) {
    progress.done();
    console.log(formatScale(result.document.scale));
  }
  const files = writeResults(RESULTS_DIR, {
    startedAt,
    finishedAt: new Date().toISOString(),
    options,
    machine: { ...machineInfo(ROOT), loadAverageAtStart },
    source: sourceInfo(ROOT, options.worktree),
    notes: [
      "Every process (servers, load workers, publisher) shares this machine's CPUs; compare ratios within a run, not absolute figures across runs.",
      "workerd targets: clients connect to the serving workerd's own entry socket, skipping wrangler's proxy workerd (--via-proxy goes through it), so every target is one hop.",
      "Memory per connection is the serving process's VmRSS growth over idle connections; CPU per delivery is its user+system time ÷ deliveries (10 ms ticks).",
      "permessage-deflate is off for every client and server. Latency = receive time − send time on the clock all local processes share.",
      options.localObservability
        ? "wrangler dev's local trace collector (X_LOCAL_OBSERVABILITY) is on for every workerd target (--local-observability), as wrangler dev starts by default."
        : "wrangler dev's local trace collector (X_LOCAL_OBSERVABILITY) is off for every workerd target: a development feature absent in production (--local-observability turns it on).",
    ],
    servers: serverRecords(),
    ...result.document,
  }, { prefix: options.scale ? "scale-" : options.quick ? "quick-" : "", extras: result.extras ?? {} });
  console.log(`results: ${files.map((f) => f.slice(ROOT.length + 1)).join(", ")}`);
}

/** Stops the load workers and every server, once however often it is called. After a failure the server logs are kept. */
let cleaning = null;
function cleanup({ failed = false } = {}) {
  cleaning ??= (async () => {
    await pool?.stop();
    const logs = await Promise.all(Object.values(servers).map((server) => stopServer(server, { keepLog: failed })));
    for (const log of logs.filter(Boolean)) console.error(`server log kept: ${log}`);
    snapshot?.remove();
  })();
  return cleaning;
}
let interrupted = false;

process.on("exit", () => {
  pool?.killNow();
  killAllServersNow();
  snapshot?.remove();
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
const runTimeoutMs = process.argv.includes("--quick") ? QUICK_RUN_TIMEOUT_MS : RUN_TIMEOUT_MS;
const runTimer = setTimeout(async () => {
  interrupted = true;
  progress.done();
  console.error(`\nbench: the run took longer than ${runTimeoutMs / MS_PER_SECOND} s; stopping every process.`);
  await cleanup({ failed: true });
  process.exit(EXIT_FAILURE);
}, runTimeoutMs);

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

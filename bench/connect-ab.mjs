/**
 * @module connect-ab
 * `npm run bench:connect -- DIR[,DIR…] [--rounds N] [--clients N] [--modes raw,v1]`: an A/B of
 * the connect path. Serves roomcast from each DIR (a checkout or a git worktree with
 * node_modules, run the way `npm run bench` runs it) and the bare relay, all at once; an idle
 * server costs the others nothing. Each round runs one connect storm per entry (a server and a
 * mode), in an order that rotates every round, so the machine's drift, which on this 2-core
 * machine moves a storm's rate by more than the effects being looked for, hits every entry
 * alike. A storm is N clients into a fresh room from the bench's load pool (the same processes,
 * source addresses and concurrency as `npm run bench`), after the serving process is quiet.
 *
 * Prints per round connections/s and the serving process's CPU µs per connect (/proc), then per
 * entry the medians and the median of its ratios to the bare relay's storm of the same round
 * (paired: the steadiest figure here). The bare relay also runs `hello`: it sends one frame the
 * size of a roomcast.v1 welcome on connect, the runtime's cost of a greeting.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAbArgs } from "./lib/ab-args.mjs";
import { closePublisher, LoadPool, openPublisher } from "./lib/load.mjs";
import { DEFAULT_LOAD_WORKERS, STORM_CONCURRENCY_PER_WORKER } from "./lib/options.mjs";
import { cpuMs } from "./lib/procfs.mjs";
import { waitQuiet } from "./lib/quiet.mjs";
import { roomUrl, runThenExit, startServer, stopServer } from "./lib/servers.mjs";
import { median, round } from "./lib/stats.mjs";
import { stormRecord } from "./lib/summary.mjs";
import { serverDefinitions } from "./lib/targets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SUBPROTOCOL_V1 = "roomcast.v1";
const DEFAULTS = { rounds: 8, clients: 500, modes: ["raw", "v1"] };
/** The baseline every ratio is taken against. */
const BARE_KEY = "bare raw";

const parseArgs = (argv) =>
  parseAbArgs(argv, {
    usage: "npm run bench:connect -- DIR[,DIR…] [--rounds N] [--clients N] [--modes raw,v1]",
    defaults: DEFAULTS,
    counts: ["rounds", "clients"],
    lists: ["modes"],
  });

/** One storm into a fresh room (its publisher first, as in the bench): connections/s and CPU µs per connect. */
async function storm(pool, server, mode, clients, label) {
  const room = `ab-${label}-${Date.now()}`;
  const url = mode === "hello" ? `${roomUrl(server, room)}?hello=1` : roomUrl(server, room);
  const subprotocol = mode === "v1" ? SUBPROTOCOL_V1 : undefined;
  const publisher = await openPublisher(url, subprotocol);
  try {
    await waitQuiet(server.pids.serving);
    const cpuBefore = cpuMs(server.pids.serving);
    const result = await pool.connect(room, url, clients, subprotocol, { concurrency: STORM_CONCURRENCY_PER_WORKER });
    const { connectionsPerSecond, servingCpuUsPerConnect } = stormRecord(result, cpuMs(server.pids.serving) - cpuBefore);
    return { connectsPerSecond: connectionsPerSecond, cpuUsPerConnect: servingCpuUsPerConnect };
  } finally {
    closePublisher(publisher);
    await pool.close(room);
  }
}

/** Every (server, mode) pair to storm; `server` is the key of the server that serves it. */
function entriesFor(options) {
  const bare = serverDefinitions(ROOT, ROOT).find((d) => d.name === "bare");
  const servers = new Map([["bare", bare]]);
  const entries = [];
  for (const dir of options.dirs) {
    const key = dir === ROOT ? "roomcast" : dir.split("/").at(-1);
    servers.set(key, serverDefinitions(ROOT, dir).find((d) => d.name === "roomcast"));
    for (const mode of options.modes) entries.push({ key: `${key} ${mode}`, server: key, mode });
  }
  entries.push({ key: BARE_KEY, server: "bare", mode: "raw" }, { key: "bare hello", server: "bare", mode: "hello" });
  return { servers, entries };
}

function report(entries, results, options) {
  const bare = results.get(BARE_KEY);
  console.log(`\nmedians of ${options.rounds} interleaved storms of ${options.clients} clients per entry; paired = median of the ratios to the bare relay's storm of the same round:`);
  for (const { key } of entries) {
    const list = results.get(key);
    const rate = median(list.map((f) => f.connectsPerSecond));
    const cpu = median(list.map((f) => f.cpuUsPerConnect));
    const rateRatio = round(median(list.map((f, i) => f.connectsPerSecond / bare[i].connectsPerSecond)), 2);
    const cpuRatio = round(median(list.map((f, i) => f.cpuUsPerConnect / bare[i].cpuUsPerConnect)), 2);
    console.log(`${key.padEnd(24)} ${String(Math.round(rate)).padStart(6)} connections/s (paired ${rateRatio}× bare)  ${String(Math.round(cpu)).padStart(6)} µs CPU/connect (paired ${cpuRatio}× bare)`);
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { servers, entries } = entriesFor(options);
  const running = new Map();
  const pool = new LoadPool(DEFAULT_LOAD_WORKERS);
  const results = new Map(entries.map(({ key }) => [key, []]));
  try {
    for (const [key, definition] of servers) running.set(key, await startServer(definition, { viaProxy: false }));
    // One storm per entry first, not counted: the first connects of a fresh server run cold code.
    for (const entry of entries) await storm(pool, running.get(entry.server), entry.mode, options.clients, `${entry.mode}-warm`);
    for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
      const order = entries.map((_, i) => entries[(i + roundIndex) % entries.length]);
      for (const entry of order) results.get(entry.key).push(await storm(pool, running.get(entry.server), entry.mode, options.clients, `${entry.mode}-${roundIndex}`));
      console.log(`round ${roundIndex + 1}: ${entries.map(({ key }) => `${key} ${results.get(key)[roundIndex].connectsPerSecond}/s ${results.get(key)[roundIndex].cpuUsPerConnect} µs`).join(" | ")}`);
    }
  } finally {
    await pool.stop();
    for (const server of running.values()) await stopServer(server);
  }
  report(entries, results, options);
}

runThenExit(main);

/**
 * @module connect-ab
 * `npm run bench:connect -- DIR[,DIR…] [--rounds N] [--storms N] [--clients N] [--modes raw,v1]`:
 * an A/B of the connect path. Serves roomcast from each DIR (a checkout or a git worktree with
 * node_modules, run the way `npm run bench` runs it) and the bare relay, one server at a time;
 * each takes its turn every round, so drift on the machine hits all alike. Per server and mode,
 * connect storms of N clients into fresh rooms from the bench's load pool (the same processes,
 * source addresses and concurrency as `npm run bench`), each after the serving process is quiet.
 * Prints connections/s and the serving process's CPU µs per connect (/proc) with their medians
 * and ratios to the bare relay; the bare relay also runs with `?hello=1` (one small frame on
 * connect, as a roomcast.v1 welcome), the runtime's cost of a greeting. Used to find what a
 * connect costs (bench/README.md).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAbArgs } from "./lib/ab-args.mjs";
import { closePublisher, LoadPool, openPublisher } from "./lib/load.mjs";
import { DEFAULT_LOAD_WORKERS, STORM_CONCURRENCY_PER_WORKER } from "./lib/options.mjs";
import { cpuMs } from "./lib/procfs.mjs";
import { waitQuiet } from "./lib/quiet.mjs";
import { killAllServersNow, roomUrl, startServer, stopServer } from "./lib/servers.mjs";
import { median, round } from "./lib/stats.mjs";
import { stormRecord } from "./lib/summary.mjs";
import { serverDefinitions } from "./lib/targets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SUBPROTOCOL_V1 = "roomcast.v1";
const DEFAULTS = { rounds: 2, storms: 3, clients: 500, modes: ["raw", "v1"] };

const parseArgs = (argv) =>
  parseAbArgs(argv, {
    usage: "npm run bench:connect -- DIR[,DIR…] [--rounds N] [--storms N] [--clients N] [--modes raw,v1]",
    defaults: DEFAULTS,
    counts: ["rounds", "storms", "clients"],
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

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const definitions = serverDefinitions(ROOT, ROOT);
  const bare = definitions.find((d) => d.name === "bare");
  const servers = [
    ...options.dirs.map((dir) => ({ key: dir === ROOT ? "roomcast" : dir.split("/").at(-1), definition: serverDefinitions(ROOT, dir).find((d) => d.name === "roomcast"), modes: options.modes })),
    // `hello`: the bare relay sending one small frame on connect, as a roomcast.v1 welcome does.
    { key: "bare", definition: bare, modes: ["raw", "hello"] },
  ];
  const pool = new LoadPool(DEFAULT_LOAD_WORKERS);
  const results = {};
  try {
    for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
      for (const { key, definition, modes } of servers) {
        const server = await startServer(definition, { viaProxy: false });
        try {
          for (const mode of modes) {
            for (let i = 0; i < options.storms; i++) {
              const figures = await storm(pool, server, mode, options.clients, `${mode}-${roundIndex}-${i}`);
              (results[`${key} ${mode}`] ??= []).push(figures);
              console.log(`round ${roundIndex + 1}: ${key} ${mode}: ${figures.connectsPerSecond} connections/s, ${figures.cpuUsPerConnect} µs CPU/connect`);
            }
          }
        } finally {
          await stopServer(server);
        }
      }
    }
  } finally {
    await pool.stop();
  }
  const bareFigures = results["bare raw"];
  const med = (list, pick) => median(list.map(pick));
  console.log(`\nmedians of ${options.rounds * options.storms} storms of ${options.clients} clients:`);
  for (const [key, list] of Object.entries(results)) {
    const rate = med(list, (f) => f.connectsPerSecond);
    const cpu = med(list, (f) => f.cpuUsPerConnect);
    const rateRatio = round(rate / med(bareFigures, (f) => f.connectsPerSecond), 2);
    const cpuRatio = round(cpu / med(bareFigures, (f) => f.cpuUsPerConnect), 2);
    console.log(`${key.padEnd(24)} ${String(Math.round(rate)).padStart(6)} connections/s (${rateRatio}× bare)  ${String(Math.round(cpu)).padStart(6)} µs CPU/connect (${cpuRatio}× bare)`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    killAllServersNow();
    process.exit(1);
  },
);

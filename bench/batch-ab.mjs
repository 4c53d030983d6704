/**
 * @module batch-ab
 * `npm run bench:batch -- DIR[,DIR…] [--rounds N] [--loops N]`: an A/B of HTTP publishing.
 * Serves roomcast from each DIR (a checkout or a git worktree with node_modules, run the way
 * `npm run bench` runs it), one server at a time, each in turn every round (the order flips every
 * other round), so drift on the machine hits all alike. Per server and round, after a warm-up,
 * `--loops` times the bench's HTTP scenario (http-publish.mjs: `GET /healthz`, single-message
 * POSTs, then 60 × `POST /publish` of 100 entries, 4 in flight), each after the serving process
 * is quiet. Prints batch msgs/s and the serving process's CPU µs per entry, with medians; the
 * `/healthz` rate of the same loops says how fast this machine's HTTP path was meanwhile.
 */
import { resolve } from "node:path";
import { parseAbArgs } from "./lib/ab-args.mjs";
import { runHttpPublish } from "./lib/http-publish.mjs";
import { FULL_PROFILE, WARMUP } from "./lib/options.mjs";
import { waitQuiet } from "./lib/quiet.mjs";
import { runThenExit, startServer, stopServer } from "./lib/servers.mjs";
import { median } from "./lib/stats.mjs";
import { serverDefinitions } from "./lib/targets.mjs";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const DEFAULTS = { rounds: 3, loops: 2 };

const parseArgs = (argv) =>
  parseAbArgs(argv, { usage: "npm run bench:batch -- DIR[,DIR…] [--rounds N] [--loops N]", defaults: DEFAULTS, counts: ["rounds", "loops"] });

const label = (dir) => (dir === ROOT ? "roomcast" : dir.split("/").at(-1));

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const results = new Map(options.dirs.map((dir) => [dir, []]));
  for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
    const order = roundIndex % 2 === 0 ? options.dirs : [...options.dirs].reverse();
    for (const dir of order) {
      const definition = serverDefinitions(ROOT, dir).find((d) => d.name === "roomcast");
      const server = await startServer(definition, { viaProxy: false });
      try {
        const ctx = { servers: { roomcast: server }, stamp: `${Date.now()}`, attempt: 0 };
        await runHttpPublish(ctx, WARMUP, `warm${roundIndex}`);
        for (let loop = 0; loop < options.loops; loop++) {
          await waitQuiet(server.pids.serving);
          const { health, batch } = await runHttpPublish(ctx, FULL_PROFILE, `ab${roundIndex}-${loop}`);
          if (batch.failed > 0) throw new Error(`${label(dir)}: ${batch.failed} entries failed: ${batch.firstError}`);
          results.get(dir).push({ health, batch });
          console.log(`round ${roundIndex + 1}: ${label(dir)}: batch ${batch.messagesPerSecond} msgs/s, ${batch.servingCpuUsPerMessage} µs CPU/entry (GET /healthz ${health.requestsPerSecond} req/s)`);
        }
      } finally {
        await stopServer(server);
      }
    }
  }
  console.log(`\nmedians of ${options.rounds * options.loops} loops of ${FULL_PROFILE.batchRequests} × POST /publish (100 entries):`);
  for (const [dir, list] of results) {
    const rate = median(list.map((r) => r.batch.messagesPerSecond));
    const cpu = median(list.map((r) => r.batch.servingCpuUsPerMessage));
    const health = median(list.map((r) => r.health.requestsPerSecond));
    console.log(`${label(dir).padEnd(24)} ${String(Math.round(rate)).padStart(7)} msgs/s  ${String(Math.round(cpu)).padStart(5)} µs CPU/entry  (GET /healthz ${Math.round(health)} req/s)`);
  }
}

runThenExit(main);

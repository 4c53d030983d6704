/**
 * @module scale
 * `npm run bench -- --scale`: as many concurrent connections in one sharded roomcast room
 * (ROOM_POLICIES `scale-*`: 8 shards) as this machine allows. Clients connect straight to the
 * serving workerd, in steps, from several load processes and source addresses. wrangler dev runs
 * every Durable Object in that one process, which holds two descriptors per WebSocket (measured
 * on the warm connections) and crashes when it reaches its open-files limit, so before each step
 * the run sizes it to the descriptors left and stops short of the limit. Then a few HTTP
 * publishes go to the room and every client counts its deliveries.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { runMeasured } from "./compare.mjs";
import { encodePayload, nowMs } from "./payload.mjs";
import { MEMORY_SETTLE_MS, SCALE_FD_RESERVE, SCALE_PROFILE, STORM_CONCURRENCY_PER_WORKER } from "./options.mjs";
import { isAlive, openFileCount, openFilesLimit, rssKiB } from "./procfs.mjs";
import { roomUrl } from "./servers.mjs";
import { round } from "./stats.mjs";

/** Connections opened before the RSS baseline: instantiates the primary and every shard. */
const WARM_CONNECTIONS = 64;
/** Bounds the step loop whatever the limits say. */
const MAX_STEPS = 64;
const HTTP_ACCEPTED = 202;
const PUBLISH_TIMEOUT_MS = 30_000;
const INFO_TIMEOUT_MS = 30_000;
const MS_PER_SECOND = 1000;
const KIB_PER_MIB = 1024;
const WHOLE = 0;
/** Descriptors per connection are rounded up to this step (tenths). */
const PER_CONNECTION_STEP = 10;

async function httpPublish(base, room, runId, count) {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => fetch(`${base}/rooms/${room}/messages`, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: encodePayload(runId, i, nowMs()),
    signal: AbortSignal.timeout(PUBLISH_TIMEOUT_MS),
  })));
  const refused = responses.filter((r) => r.status !== HTTP_ACCEPTED);
  await Promise.all(responses.map((r) => r.arrayBuffer()));
  if (refused.length > 0) throw new Error(`${refused.length} of ${count} HTTP publishes answered ${refused[0].status}`);
}

/** Connects in steps until the target count, a failure, or the serving workerd's file limit; then publishes. */
export async function runScale(ctx) {
  const { pool, options, progress } = ctx;
  const server = ctx.servers.roomcast;
  const room = `scale-bench-${ctx.stamp}`;
  const url = roomUrl(server, room);
  const pid = server.pids.serving;
  const limit = openFilesLimit(pid);
  const target = options.scaleConnections;
  const idleFiles = openFileCount(pid);
  progress.phase(`scale: ${WARM_CONNECTIONS} warm connections to ${room} (${SCALE_PROFILE.shards} shards)`);
  await pool.connect(room, url, WARM_CONNECTIONS);
  await sleep(MEMORY_SETTLE_MS);
  const base = { connections: WARM_CONNECTIONS, rssKiB: rssKiB(pid), openFiles: openFileCount(pid) };
  let filesPerConnection = Math.max(1, Math.ceil(((base.openFiles - idleFiles) / WARM_CONNECTIONS) * PER_CONNECTION_STEP) / PER_CONNECTION_STEP);
  const steps = [];
  let connected = WARM_CONNECTIONS;
  let stoppedBy = null;
  try {
    for (let step = 0; step < MAX_STEPS && !stoppedBy; step++) {
      const openFiles = openFileCount(pid);
      const headroom = limit - openFiles - SCALE_FD_RESERVE;
      const want = Math.min(SCALE_PROFILE.stepConnections, target - connected, Math.floor(headroom / filesPerConnection));
      if (connected >= target) stoppedBy = `the --connections target (${target})`;
      else if (want <= 0) {
        stoppedBy = `open files: the serving workerd (every Durable Object of wrangler dev runs in it) holds ${openFiles} descriptors of its ${limit} limit — ` +
          `${filesPerConnection} per WebSocket — with ${SCALE_FD_RESERVE} kept free for HTTP; the limit cannot be raised here and workerd crashes when it reaches it`;
      }
      if (stoppedBy) break;
      progress.phase(`scale: ${connected.toLocaleString("en-US")} connected, opening ${want.toLocaleString("en-US")} more`);
      const result = await pool.connect(room, url, want, undefined, { concurrency: STORM_CONCURRENCY_PER_WORKER, allowFailures: true });
      connected += result.opened;
      await sleep(MEMORY_SETTLE_MS);
      if (!isAlive(pid)) throw new Error(`the serving workerd (PID ${pid}) died at about ${connected} connections; see its log`);
      // the warm figure includes the objects' storage files: refine it with every step's own growth
      if (result.opened > 0) filesPerConnection = Math.max(1, Math.ceil(((openFileCount(pid) - openFiles) / result.opened) * PER_CONNECTION_STEP) / PER_CONNECTION_STEP);
      const rss = rssKiB(pid);
      steps.push({
        connections: connected, rssKiB: rss, openFiles: openFileCount(pid), failed: result.failed, errors: result.errors,
        connectionsPerSecond: round((result.opened * MS_PER_SECOND) / result.elapsedMs, WHOLE),
        kibPerConnectionSoFar: round((rss - base.rssKiB) / (connected - base.connections)),
      });
      if (result.failed > 0) stoppedBy = `${result.failed} connections failed (${result.errors.join("; ")})`;
    }
    stoppedBy ??= `the step bound (${MAX_STEPS} steps)`;
    const info = await fetch(`http://127.0.0.1:${server.connectPort}/rooms/${room}/info`, { signal: AbortSignal.timeout(INFO_TIMEOUT_MS) }).then((r) => r.json());
    progress.phase(`scale: ${SCALE_PROFILE.publishes} HTTP publishes to ${connected.toLocaleString("en-US")} clients, deliveries`);
    const runId = `scale${ctx.stamp}`;
    const deliveries = await runMeasured(ctx, server, {
      group: room, runId, mode: "raw", messages: SCALE_PROFILE.publishes, recordLatency: true,
      send: () => httpPublish(`http://127.0.0.1:${server.connectPort}`, room, runId, SCALE_PROFILE.publishes),
    });
    const last = steps.at(-1) ?? base;
    return {
      document: {
        scale: {
          room, shards: SCALE_PROFILE.shards, connected, roomInfoConnections: info.connections, connectionsPerShard: info.shards ?? null,
          stoppedBy, openFilesLimit: limit, filesPerConnection, servingPid: pid,
          baseline: base, steps,
          rssMiB: round(last.rssKiB / KIB_PER_MIB),
          kibPerConnection: round((last.rssKiB - base.rssKiB) / (connected - base.connections)),
          deliveries,
        },
      },
    };
  } finally {
    progress.phase(`scale: closing ${connected.toLocaleString("en-US")} connections`);
    await pool.close(room);
  }
}

/** The scale result as terminal lines. */
export function formatScale(scale) {
  const n = (v) => (v === null || v === undefined ? "–" : Math.round(v).toLocaleString("en-US"));
  const d = scale.deliveries;
  return [
    `scale: one roomcast room with ${scale.shards} shards (ROOM_POLICIES scale-*), clients straight to the serving workerd`,
    ...scale.steps.map((s) => `  ${n(s.connections).padStart(7)} connected  RSS ${n(s.rssKiB / KIB_PER_MIB).padStart(6)} MiB  fds ${n(s.openFiles).padStart(6)}  ${n(s.connectionsPerSecond).padStart(5)} conn/s  ${s.kibPerConnectionSoFar} KiB/conn so far${s.failed ? `  ${s.failed} failed` : ""}`),
    `concurrent connections: ${n(scale.connected)} (room info says ${n(scale.roomInfoConnections)}; per shard ${JSON.stringify(scale.connectionsPerShard)})`,
    `stopped by: ${scale.stoppedBy}`,
    `memory: ${scale.kibPerConnection} KiB per connection (serving workerd RSS ${n(scale.rssMiB)} MiB)`,
    `deliveries: ${n(d.received)} of ${n(d.expected)} (${d.lost} lost) for ${d.expected / Math.max(1, scale.connected)} HTTP publishes; ${n(d.deliveriesPerSecond)} deliveries/s; p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms; ` +
      `serving CPU ${d.cpu.servingUsPerDelivery} µs/delivery, busiest thread ${d.cpu.threads[0]?.name ?? "?"} ${n(d.cpu.threads[0]?.ms)} of ${n(d.cpu.servingMs)} ms`,
  ].join("\n");
}

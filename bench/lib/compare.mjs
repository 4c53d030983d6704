/**
 * @module compare
 * The comparison run's scenarios, for any target: idle memory per connection (steps of N idle
 * connections that all stay open until every target is measured, so no step reuses memory
 * another freed), and per round a connect storm, a fan-out burst (deliveries/s, CPU per
 * delivery, per-thread CPU of the serving process), paced fan-out latency at each rate, a
 * chat room where every client publishes, and ingest (publishers into one room in a closed
 * loop, one subscriber). Every wait is bounded (see options.mjs).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { closePublisher, openPublisher, publishBurst, publishPaced } from "./load.mjs";
import { INGEST_WINDOW, MEMORY_WARM_CONNECTIONS, QUICK_MEMORY_SETTLE_MS, MEMORY_SETTLE_MS, QUIET_MS, STORM_CONCURRENCY_PER_WORKER } from "./options.mjs";
import { cpuMs, rssKiB, threadCpuDelta, threadCpuMs } from "./procfs.mjs";
import { waitQuiet } from "./quiet.mjs";
import { reloadCount, roomUrl } from "./servers.mjs";
import { round } from "./stats.mjs";
import { scenarioRecord, stormRecord } from "./summary.mjs";
import { subprotocolOf } from "./targets.mjs";

const MS_PER_SECOND = 1000;
const US_PER_MS = 1000;
/** Threads of the serving process kept per scenario (busiest first). */
const TOP_THREADS = 3;

export const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/** Messages of one paced latency run at `rate`: latencyDurationMs of them, and at least latencyMinMessages. */
export const latencyMessages = (profile, rate) => Math.max(profile.latencyMinMessages, Math.round((rate * profile.latencyDurationMs) / MS_PER_SECOND));

/**
 * Idle memory: per target a publisher and warm connections first, then `options.rounds` steps of
 * `options.memoryConnections` idle connections, RSS of the serving process before and after each.
 */
export async function measureMemory(ctx, targets) {
  const { pool, servers, options, progress } = ctx;
  const settleMs = options.quick ? QUICK_MEMORY_SETTLE_MS : MEMORY_SETTLE_MS;
  const reloadsBefore = Object.fromEntries(Object.values(servers).map((s) => [s.name, reloadCount(s)]));
  const memory = Object.fromEntries(targets.map((t) => [t.key, { connectionsPerStep: options.memoryConnections, servingPid: servers[t.server].pids.serving, steps: [] }]));
  const groups = [];
  const publishers = [];
  const urls = {};
  try {
    progress.phase(`memory: ${MEMORY_WARM_CONNECTIONS} warm connections per target`);
    for (const target of targets) {
      urls[target.key] = roomUrl(servers[target.server], `${target.roomPrefix}bench-mem-${target.key}-${ctx.stamp}`);
      // The publisher instantiates the room and the warm connections run the connect path once;
      // both stay open, so nothing freed before a baseline can be reused by the N measured after it.
      publishers.push(await openPublisher(urls[target.key], subprotocolOf(target)));
      groups.push(`mem-warm-${target.key}`);
      await pool.connect(`mem-warm-${target.key}`, urls[target.key], MEMORY_WARM_CONNECTIONS, subprotocolOf(target));
    }
    await sleep(settleMs);
    for (let step = 0; step < options.rounds; step++) {
      for (const target of rotate(targets, step)) {
        progress.phase(`memory ${step + 1}/${options.rounds}: ${target.label}, ${options.memoryConnections} more idle connections`);
        const pid = servers[target.server].pids.serving;
        const before = rssKiB(pid);
        const group = `mem-${target.key}-${step}`;
        groups.push(group);
        await pool.connect(group, urls[target.key], options.memoryConnections, subprotocolOf(target));
        await sleep(settleMs);
        const after = rssKiB(pid);
        memory[target.key].steps.push({ rssKiBBefore: before, rssKiBAfter: after, kibPerConnection: round((after - before) / options.memoryConnections) });
      }
    }
  } finally {
    progress.phase("memory: closing idle connections");
    for (const group of groups) await pool.close(group);
    publishers.forEach(closePublisher);
  }
  const reloaded = Object.values(servers).find((s) => reloadCount(s) !== reloadsBefore[s.name]);
  if (reloaded) throw new Error(`${reloaded.name} reloaded during the memory phase (a watched file changed): run without --worktree or when src/ is quiet`);
  return memory;
}

/** Runs one scenario and adds the CPU the serving (and, via the proxy, proxy) process used, also per delivery. */
export async function runMeasured(ctx, server, scenario) {
  const { serving, proxy } = server.pids;
  const useProxy = server.viaProxy && proxy;
  const before = { serving: cpuMs(serving), proxy: useProxy ? cpuMs(proxy) : null, threads: threadCpuMs(serving) };
  const result = await ctx.pool.runScenario(scenario);
  const after = { serving: cpuMs(serving), proxy: useProxy ? cpuMs(proxy) : null, threads: threadCpuMs(serving) };
  const perDelivery = (ms) => round((ms * US_PER_MS) / result.received);
  result.cpu = {
    servingMs: after.serving - before.serving,
    servingUsPerDelivery: perDelivery(after.serving - before.serving),
    proxyMs: useProxy ? after.proxy - before.proxy : null,
    proxyUsPerDelivery: useProxy ? perDelivery(after.proxy - before.proxy) : null,
    threads: threadCpuDelta(before.threads, after.threads).slice(0, TOP_THREADS),
  };
  return scenarioRecord(result);
}

/** One target, one round: connect storm, throughput burst, paced latency runs, then the chat room. */
export async function runTarget(ctx, target, profile, roundLabel) {
  const { pool, progress } = ctx;
  const server = ctx.servers[target.server];
  const subprotocol = subprotocolOf(target);
  const { mode } = target;
  const room = `${target.roomPrefix}bench-${target.key}-${roundLabel}-${ctx.stamp}-${ctx.attempt}`;
  const url = roomUrl(server, room);
  const prefix = `[${roundLabel}] ${target.label}:`;
  const record = { latency: {}, quiet: {} };
  const publisher = await openPublisher(url, subprotocol);
  try {
    progress.phase(`${prefix} waiting until ${server.name}'s serving process is quiet`);
    record.quiet.storm = await waitQuiet(server.pids.serving);
    progress.phase(`${prefix} connect storm, ${profile.subscribers} clients`);
    const stormCpuBefore = cpuMs(server.pids.serving);
    const storm = await pool.connect(room, url, profile.subscribers, subprotocol, { concurrency: STORM_CONCURRENCY_PER_WORKER });
    record.storm = stormRecord(storm, cpuMs(server.pids.serving) - stormCpuBefore);
    await sleep(QUIET_MS);
    const burstId = `${target.key}${roundLabel}t`;
    progress.phase(`${prefix} fan-out burst of ${profile.throughputMessages}, deliveries`);
    record.throughput = await runMeasured(ctx, server, {
      group: room, runId: burstId, mode, messages: profile.throughputMessages, recordLatency: false,
      send: () => publishBurst(publisher, mode, burstId, profile.throughputMessages),
    });
    for (const rate of profile.latencyRatesPerSecond) {
      record.quiet[`latency${rate}`] = await waitQuiet(server.pids.serving);
      const runId = `${target.key}${roundLabel}l${rate}`;
      const messages = latencyMessages(profile, rate);
      progress.phase(`${prefix} fan-out at ${rate} msg/s, deliveries`);
      record.latency[rate] = await runMeasured(ctx, server, {
        group: room, runId, mode, messages, recordLatency: true,
        send: () => publishPaced(publisher, mode, runId, messages, rate),
      });
    }
  } finally {
    progress.phase(`${prefix} disconnecting`);
    closePublisher(publisher);
    await pool.close(room);
  }
  if (profile.chatClients > 1) record.chat = await runChat(ctx, target, profile, `${room}-chat`, `${target.key}${roundLabel}c`, prefix);
  if (target.ingest) record.ingest = await runIngest(ctx, target, profile, `${room}-in`, `${target.key}${roundLabel}i`, prefix);
  return record;
}

/**
 * Ingest: `ingestPublishers` publishers into one room, each with at most INGEST_WINDOW messages
 * unconfirmed (echo or ack, see targets.mjs), and one subscriber; messages/s = what the
 * subscriber received ÷ (first send → its last delivery). Every publisher also receives the
 * others' messages (the room relays to everyone), the same on every target.
 */
async function runIngest(ctx, target, profile, room, runId, prefix) {
  const { pool, progress } = ctx;
  const server = ctx.servers[target.server];
  const url = roomUrl(server, room);
  const publishers = `${room}-pub`;
  const perPublisher = profile.ingestMessagesPerPublisher;
  progress.phase(`${prefix} ingest, connecting ${profile.ingestPublishers} publishers and 1 subscriber`);
  await pool.connect(room, url, 1, subprotocolOf(target));
  try {
    await pool.connect(publishers, target.ingest === "echo" ? `${url}?echo=1` : url, profile.ingestPublishers, subprotocolOf(target));
    await sleep(QUIET_MS);
    progress.phase(`${prefix} ingest, ${profile.ingestPublishers} × ${perPublisher} messages, ≤ ${INGEST_WINDOW} in flight each`);
    let loop;
    const record = await runMeasured(ctx, server, {
      group: room, runId, mode: target.mode, messages: perPublisher * profile.ingestPublishers, recordLatency: true, checkOrder: false,
      send: async () => (loop = await pool.ingest(publishers, runId, target.mode, perPublisher, INGEST_WINDOW)),
    });
    return { ...record, publishersConfirmed: loop.confirmed, publishersSent: loop.sent, publishersTimedOut: loop.timedOut };
  } finally {
    await pool.close(publishers);
    await pool.close(room);
  }
}

/** Chat N↔N: every client publishes at a modest rate; everyone else receives each message. */
async function runChat(ctx, target, profile, room, runId, prefix) {
  const { pool, progress } = ctx;
  const server = ctx.servers[target.server];
  const url = roomUrl(server, room);
  const perClient = Math.max(1, Math.round((profile.chatRatePerSecond * profile.chatDurationMs) / MS_PER_SECOND));
  progress.phase(`${prefix} chat, connecting ${profile.chatClients} clients`);
  await pool.connect(room, url, profile.chatClients, subprotocolOf(target));
  try {
    await sleep(QUIET_MS);
    progress.phase(`${prefix} chat, ${profile.chatClients} clients × ${profile.chatRatePerSecond} msg/s, deliveries`);
    return await runMeasured(ctx, server, {
      group: room, runId, mode: target.mode, messages: perClient * profile.chatClients, ownMessages: perClient, recordLatency: true, checkOrder: false,
      send: () => pool.chat(room, runId, target.mode, perClient, profile.chatRatePerSecond),
    });
  } finally {
    await pool.close(room);
  }
}

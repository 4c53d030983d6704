/**
 * @module load-worker
 * One load-generator child process (forked by bench/lib/load.mjs with its index): holds a share
 * of the clients as `ws` sockets from its own source address 127.0.0.(base + index), counts
 * deliveries (every message inside a roomcast batch frame counts), records send→receive latency,
 * publishes in the chat scenario, and answers the parent's commands over IPC. Commands carry an
 * `id`; every reply echoes it.
 *   connect {group, url, count, subprotocol, concurrency}   open sockets (bounded concurrency and timeout)
 *   expect  {group, runId, mode, messages, ownMessages, recordLatency, checkOrder}   start counting
 *   chat    {group, runId, mode, perClient, ratePerSecond}  every socket publishes perClient messages
 *   ingest  {group, runId, mode, perSocket, window, indexBase}  closed loop: every socket publishes
 *           perSocket messages, at most `window` unconfirmed; a raw message is confirmed by its
 *           own echo (`?echo=1`), a v1 one by its ack (publish `id` = the message index)
 *   collect {group}                                         stop counting, return counts and latencies
 *   close   {group}                                         close the group's sockets (1000), terminate stragglers
 *   exit                                                    terminate everything and exit
 * The worker exits by itself when the parent goes away.
 */
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { decodeFrame, encodePayload, nowMs, publishFrame } from "./lib/payload.mjs";
import { CLOSE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, LOCAL_ADDRESS_BASE, PROGRESS_INTERVAL_MS } from "./lib/options.mjs";

const NORMAL_CLOSURE = 1000;
const MS_PER_SECOND = 1000;
/** Connection errors kept for the report (the rest are only counted). */
const MAX_ERRORS_KEPT = 3;
/** Compression costs CPU on both ends and cannot shrink 64-byte payloads: off for every target. */
const PER_MESSAGE_DEFLATE = false;
const workerIndex = Number(process.argv[2] ?? 0);
const localAddress = `127.0.0.${LOCAL_ADDRESS_BASE + workerIndex}`;

/** group name → { sockets: Set<WebSocket>, scenario, unexpectedCloses } */
const groups = new Map();

function groupNamed(name) {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { sockets: new Set(), scenario: null, unexpectedCloses: 0 }));
  return group;
}

function onFrame(group, ws, data, isBinary) {
  if (ws.bench.ingest && !isBinary) onIngestFrame(ws, data.toString());
  const scenario = group.scenario;
  if (!scenario || isBinary) return;
  const messages = decodeFrame(scenario.mode, data.toString());
  if (messages.length === 0) return;
  const at = nowMs();
  for (const decoded of messages) {
    if (decoded.runId !== scenario.runId) continue;
    scenario.received++;
    if (scenario.checkOrder && decoded.index <= ws.bench.lastIndex) scenario.outOfOrder++;
    ws.bench.lastIndex = decoded.index;
    if (scenario.firstAt === null) scenario.firstAt = at;
    scenario.lastAt = at;
    if (scenario.recordLatency) scenario.latencies.push(at - decoded.sentAtMs);
  }
  if (scenario.received >= scenario.expected) reportProgress(group, true);
}

function openSocket(group, url, subprotocol) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, subprotocol ? [subprotocol] : [], { perMessageDeflate: PER_MESSAGE_DEFLATE, handshakeTimeout: CONNECT_TIMEOUT_MS, localAddress });
    ws.bench = { lastIndex: -1, closing: false };
    ws.on("message", (data, isBinary) => onFrame(group, ws, data, isBinary));
    ws.once("open", () => {
      group.sockets.add(ws);
      resolve(ws);
    });
    ws.once("error", (error) => reject(error));
    ws.once("close", () => {
      group.sockets.delete(ws);
      if (!ws.bench.closing) group.unexpectedCloses++;
    });
  });
}

async function connect({ group: name, url, count, subprotocol, concurrency }) {
  const group = groupNamed(name);
  let next = 0;
  let opened = 0;
  let failed = 0;
  const errors = [];
  const lane = async () => {
    while (next < count) {
      next++;
      try {
        await openSocket(group, url, subprotocol);
        opened++;
      } catch (error) {
        failed++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(String(error?.code ?? error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { opened, failed, errors };
}

function expect({ group: name, runId, mode, messages, ownMessages = 0, recordLatency, checkOrder }) {
  const group = groupNamed(name);
  const expected = (messages - ownMessages) * group.sockets.size;
  group.scenario = { runId, mode, expected, received: 0, outOfOrder: 0, firstAt: null, lastAt: null, recordLatency, checkOrder, latencies: [] };
  for (const ws of group.sockets) ws.bench.lastIndex = -1;
  group.unexpectedCloses = 0;
  clearInterval(group.progressTimer);
  group.progressTimer = setInterval(() => reportProgress(group, false), PROGRESS_INTERVAL_MS);
  return { expected, sockets: group.sockets.size };
}

/** Chat: every socket of the group publishes `perClient` messages at `ratePerSecond`, each on its own random phase. */
async function chat({ group: name, runId, mode, perClient, ratePerSecond }) {
  const sockets = [...groupNamed(name).sockets];
  const intervalMs = MS_PER_SECOND / ratePerSecond;
  const start = nowMs();
  const sends = sockets.flatMap((ws) => {
    const phase = Math.random() * intervalMs;
    return Array.from({ length: perClient }, (_, index) => ({ ws, index, at: start + phase + index * intervalMs }));
  });
  sends.sort((a, b) => a.at - b.at);
  let sent = 0;
  for (const { ws, index, at } of sends) {
    const wait = at - nowMs();
    if (wait > 0) await sleep(wait);
    if (ws.readyState !== WebSocket.OPEN) continue;
    ws.send(publishFrame(mode, encodePayload(runId, index, nowMs())));
    sent++;
  }
  return { sent, planned: sends.length };
}

const V1_ACK_PREFIX = '{"type":"ack"';

/** A publisher's own message came back (raw echo) or was acked (v1): one more may go out. */
function onIngestFrame(ws, frame) {
  const ingest = ws.bench.ingest;
  let index;
  if (ingest.mode === "v1") {
    if (!frame.startsWith(V1_ACK_PREFIX)) return;
    index = Number(JSON.parse(frame).id);
  } else {
    const decoded = decodeFrame("raw", frame)[0];
    if (!decoded || decoded.runId !== ingest.runId) return;
    index = decoded.index;
  }
  if (!(index >= ingest.indexBase && index < ingest.indexBase + ingest.total)) return;
  ingest.confirmed++;
  sendIngest(ws);
}

/** Sends while fewer than `window` messages are unconfirmed; settles once every message is confirmed. */
function sendIngest(ws) {
  const ingest = ws.bench.ingest;
  while (ingest.sent < ingest.total && ingest.sent - ingest.confirmed < ingest.window && ws.readyState === WebSocket.OPEN) {
    const index = ingest.indexBase + ingest.sent++;
    const payload = encodePayload(ingest.runId, index, nowMs());
    ws.send(ingest.mode === "v1" ? JSON.stringify({ type: "publish", data: payload, id: String(index) }) : payload);
  }
  if (ingest.confirmed >= ingest.total || ws.readyState !== WebSocket.OPEN) {
    ws.bench.ingest = null;
    ingest.done(ingest);
  }
}

/** Ingest: each socket of the group publishes in a closed loop (see the header); resolves when all are confirmed or `timeoutMs` passed. */
async function ingest({ group: name, runId, mode, perSocket, window, indexBase, timeoutMs }) {
  const sockets = [...groupNamed(name).sockets];
  const states = [];
  let timer;
  const runs = sockets.map((ws, k) => new Promise((done) => {
    const state = { runId, mode, total: perSocket, window, indexBase: indexBase + k * perSocket, sent: 0, confirmed: 0, done };
    states.push(state);
    ws.bench.ingest = state;
    sendIngest(ws);
  }));
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const outcome = await Promise.race([Promise.all(runs), timedOut]);
  clearTimeout(timer);
  for (const ws of sockets) ws.bench.ingest = null;
  return { sent: states.reduce((n, s) => n + s.sent, 0), confirmed: states.reduce((n, s) => n + s.confirmed, 0), timedOut: outcome === "timeout" };
}

function reportProgress(group, done) {
  const scenario = group.scenario;
  if (!scenario || scenario.lastReported === scenario.received) return;
  scenario.lastReported = scenario.received;
  process.send?.({ event: "progress", received: scenario.received, expected: scenario.expected, done });
}

function collect({ group: name }) {
  const group = groupNamed(name);
  clearInterval(group.progressTimer);
  const scenario = group.scenario;
  group.scenario = null;
  if (!scenario) throw new Error(`no scenario running in group ${name}`);
  const { received, expected, outOfOrder, firstAt, lastAt, latencies } = scenario;
  return { received, expected, outOfOrder, firstAt, lastAt, latencies, unexpectedCloses: group.unexpectedCloses, open: group.sockets.size };
}

async function close({ group: name }) {
  const group = groupNamed(name);
  clearInterval(group.progressTimer);
  const sockets = [...group.sockets];
  const closed = Promise.all(sockets.map((ws) => new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once("close", resolve)))));
  for (const ws of sockets) {
    ws.bench.closing = true;
    ws.close(NORMAL_CLOSURE, "bench done");
  }
  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), CLOSE_TIMEOUT_MS)));
  const outcome = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  const terminated = outcome === "timeout" ? group.sockets.size : 0;
  for (const ws of group.sockets) ws.terminate();
  groups.delete(name);
  return { closed: sockets.length - terminated, terminated };
}

function exitNow() {
  for (const group of groups.values()) for (const ws of group.sockets) ws.terminate();
  process.exit(0);
}

const COMMANDS = { connect, expect, chat, ingest, collect, close };

process.on("message", async (message) => {
  if (message?.cmd === "exit") return exitNow();
  const handler = COMMANDS[message?.cmd];
  try {
    if (!handler) throw new Error(`unknown command ${message?.cmd}`);
    process.send?.({ id: message.id, ok: true, value: await handler(message) });
  } catch (error) {
    process.send?.({ id: message.id, ok: false, error: String(error?.message ?? error) });
  }
});
process.on("disconnect", exitNow);

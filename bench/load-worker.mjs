/**
 * @module load-worker
 * One load-generator child process (forked by bench/lib/load.mjs): holds a share of the
 * subscribers as `ws` clients, counts deliveries, records send→receive latency, and answers
 * the parent's commands over IPC. Commands carry an `id`; every reply echoes it.
 *   connect {group, url, count, subprotocol}   open sockets (bounded concurrency and timeout)
 *   expect  {group, runId, mode, messages, recordLatency}   start counting one scenario
 *   collect {group}                            stop counting, return counts and latencies
 *   close   {group}                            close the group's sockets (1000), terminate stragglers
 *   exit                                       terminate everything and exit
 * The worker exits by itself when the parent goes away.
 */
import WebSocket from "ws";
import { decodeFrame, nowMs } from "./lib/payload.mjs";
import { CLOSE_TIMEOUT_MS, CONNECT_CONCURRENCY_PER_WORKER, CONNECT_TIMEOUT_MS, PROGRESS_INTERVAL_MS } from "./lib/options.mjs";

const NORMAL_CLOSURE = 1000;
/** Connection errors kept for the report (the rest are only counted). */
const MAX_ERRORS_KEPT = 3;
/** Compression costs CPU on both ends and cannot shrink 64-byte payloads: off for every target. */
const PER_MESSAGE_DEFLATE = false;

/** group name → { sockets: Set<WebSocket>, scenario } */
const groups = new Map();

function groupNamed(name) {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { sockets: new Set(), scenario: null, unexpectedCloses: 0 }));
  return group;
}

function openSocket(group, url, subprotocol) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, subprotocol ? [subprotocol] : [], { perMessageDeflate: PER_MESSAGE_DEFLATE, handshakeTimeout: CONNECT_TIMEOUT_MS });
    const state = { lastIndex: -1, received: 0, closing: false };
    ws.on("message", (data, isBinary) => {
      const scenario = group.scenario;
      if (!scenario || isBinary) return;
      const decoded = decodeFrame(scenario.mode, data.toString());
      if (!decoded || decoded.runId !== scenario.runId) return;
      const at = nowMs();
      scenario.received++;
      if (decoded.index <= state.lastIndex) scenario.outOfOrder++;
      state.lastIndex = decoded.index;
      if (scenario.firstAt === null) scenario.firstAt = at;
      scenario.lastAt = at;
      if (scenario.recordLatency) scenario.latencies.push(at - decoded.sentAtMs);
      if (scenario.received === scenario.expected) reportProgress(group, true);
    });
    ws.once("open", () => {
      group.sockets.add(ws);
      resolve(ws);
    });
    ws.once("error", (error) => reject(error));
    ws.once("close", () => {
      group.sockets.delete(ws);
      if (!state.closing) group.unexpectedCloses++;
    });
    ws.closingState = state;
  });
}

async function connect({ group: name, url, count, subprotocol }) {
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
        if (errors.length < MAX_ERRORS_KEPT) errors.push(String(error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY_PER_WORKER, count) }, lane));
  return { opened, failed, errors };
}

function expect({ group: name, runId, mode, messages, recordLatency }) {
  const group = groupNamed(name);
  const expected = messages * group.sockets.size;
  group.scenario = { runId, mode, expected, received: 0, outOfOrder: 0, firstAt: null, lastAt: null, recordLatency, latencies: [] };
  for (const ws of group.sockets) ws.closingState.lastIndex = -1;
  group.unexpectedCloses = 0;
  clearInterval(group.progressTimer);
  group.progressTimer = setInterval(() => reportProgress(group, false), PROGRESS_INTERVAL_MS);
  return { expected, sockets: group.sockets.size };
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
    ws.closingState.closing = true;
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

const COMMANDS = { connect, expect, collect, close };

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

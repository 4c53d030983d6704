/**
 * @module load
 * The load generator's parent side: forks the load workers (bench/load-worker.mjs) that hold
 * the clients, runs the fan-out publisher (one `ws` client in this process), and runs one
 * scenario — burst (throughput), paced (latency) or chat (every client publishes) — collecting
 * deliveries, losses and latencies from every worker. Every wait here is bounded by a named timeout.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { encodePayload, nowMs, publishFrame } from "./payload.mjs";
import {
  CONNECT_ALL_TIMEOUT_MS,
  CONNECT_CONCURRENCY_PER_WORKER,
  CONNECT_TIMEOUT_MS,
  DELIVERY_IDLE_TIMEOUT_MS,
  SCENARIO_TIMEOUT_MS,
  CLOSE_TIMEOUT_MS,
  WAIT_POLL_MS,
  WORKER_REPLY_TIMEOUT_MS,
} from "./options.mjs";

const WORKER_SCRIPT = fileURLToPath(new URL("../load-worker.mjs", import.meta.url));
const MS_PER_SECOND = 1000;
/** Same as the load workers: no permessage-deflate for any client. */
const PER_MESSAGE_DEFLATE = false;
const NORMAL_CLOSURE = 1000;
/** Message indexes one load worker's ingest publishers may use (worker i starts at i × this). */
const INGEST_INDEX_SPAN = 1_000_000;

export class LoadPool {
  /** Forks `count` load workers; `onProgress(received, expected)` is called while scenarios run. */
  constructor(count, onProgress = () => {}) {
    this.onProgress = onProgress;
    this.pending = new Map();
    this.nextId = 1;
    this.progress = new Array(count).fill(0);
    this.expected = 0;
    this.children = Array.from({ length: count }, (_, index) => this.forkWorker(index));
  }

  forkWorker(index) {
    const child = fork(WORKER_SCRIPT, [String(index)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (message) => {
      if (message?.event === "progress") {
        this.progress[index] = message.received;
        this.onProgress(this.received(), this.expected);
        return;
      }
      const waiter = this.pending.get(message?.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`load worker ${index}: ${message.error}`));
    });
    child.once("exit", (code, signal) => {
      child.exited = true;
      for (const [id, waiter] of this.pending) {
        if (waiter.child !== child) continue;
        this.pending.delete(id);
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`load worker ${index} exited (code ${code}, signal ${signal})`));
      }
    });
    return child;
  }

  /** Sends one command to one worker; rejects after `timeoutMs` without an answer. */
  request(child, command, timeoutMs = WORKER_REPLY_TIMEOUT_MS) {
    if (child.exited) return Promise.reject(new Error("load worker is gone"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`load worker gave no answer to "${command.cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, child });
      child.send({ ...command, id });
    });
  }

  all(command, timeoutMs) {
    return Promise.all(this.children.map((child) => this.request(child, command, timeoutMs)));
  }

  received() {
    return this.progress.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Opens `count` clients spread evenly over the workers, `concurrency` at once per worker.
   * Throws when any failed, unless `allowFailures`; returns opened/failed counts, a few errors and the elapsed time.
   */
  async connect(group, url, count, subprotocol, { concurrency = CONNECT_CONCURRENCY_PER_WORKER, allowFailures = false } = {}) {
    const shares = this.children.map((_, i) => Math.floor(count / this.children.length) + (i < count % this.children.length ? 1 : 0));
    const startedAt = nowMs();
    const results = await Promise.all(
      this.children.map((child, i) => (shares[i] > 0 ? this.request(child, { cmd: "connect", group, url, count: shares[i], subprotocol, concurrency }, CONNECT_ALL_TIMEOUT_MS) : { opened: 0, failed: 0, errors: [] })),
    );
    const elapsedMs = nowMs() - startedAt;
    const opened = results.reduce((sum, r) => sum + r.opened, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    const errors = [...new Set(results.flatMap((r) => r.errors))];
    if (failed > 0 && !allowFailures) throw new Error(`${failed} of ${count} clients failed to connect to ${url}: ${errors.join("; ")}`);
    return { opened, failed, errors, elapsedMs };
  }

  /** Chat: every client of `group` publishes `perClient` messages at `ratePerSecond`; resolves once all are sent. */
  async chat(group, runId, mode, perClient, ratePerSecond) {
    const durationMs = (perClient * MS_PER_SECOND) / ratePerSecond;
    const results = await this.all({ cmd: "chat", group, runId, mode, perClient, ratePerSecond }, durationMs + WORKER_REPLY_TIMEOUT_MS);
    return { sent: results.reduce((sum, r) => sum + r.sent, 0), planned: results.reduce((sum, r) => sum + r.planned, 0) };
  }

  /**
   * Ingest: every client of `group` publishes `perSocket` messages in a closed loop with at most
   * `window` unconfirmed (load-worker.mjs); message indexes never repeat across clients.
   */
  async ingest(group, runId, mode, perSocket, window) {
    const timeoutMs = SCENARIO_TIMEOUT_MS;
    const results = await Promise.all(this.children.map((child, i) => this.request(child, { cmd: "ingest", group, runId, mode, perSocket, window, indexBase: i * INGEST_INDEX_SPAN, timeoutMs }, timeoutMs + WORKER_REPLY_TIMEOUT_MS)));
    return { sent: results.reduce((n, r) => n + r.sent, 0), confirmed: results.reduce((n, r) => n + r.confirmed, 0), timedOut: results.some((r) => r.timedOut) };
  }

  async close(group) {
    const results = await this.all({ cmd: "close", group }, CLOSE_TIMEOUT_MS + WORKER_REPLY_TIMEOUT_MS);
    return { terminated: results.reduce((sum, r) => sum + r.terminated, 0) };
  }

  /**
   * One scenario: every client in `group` expects `messages − ownMessages` messages of run
   * `runId` (in chat a client does not get its own); `send()` publishes them. Resolves with deliveries, losses, elapsed time and sorted latencies.
   */
  async runScenario({ group, runId, mode, messages, ownMessages = 0, recordLatency, checkOrder = true, send }) {
    this.progress.fill(0);
    const armed = await this.all({ cmd: "expect", group, runId, mode, messages, ownMessages, recordLatency, checkOrder });
    this.expected = armed.reduce((sum, r) => sum + r.expected, 0);
    const startedAt = nowMs();
    await send();
    const outcome = await this.waitForDeliveries(startedAt);
    const parts = await this.all({ cmd: "collect", group });
    const received = parts.reduce((sum, p) => sum + p.received, 0);
    if (received === 0) throw new Error(`run ${runId}: no deliveries at all (${outcome}); is the server relaying?`);
    const lastAt = Math.max(...parts.map((p) => p.lastAt ?? -Infinity));
    const latencies = Float64Array.from(parts.flatMap((p) => p.latencies)).sort();
    return {
      expected: this.expected,
      received,
      lost: this.expected - received,
      outOfOrder: parts.reduce((sum, p) => sum + p.outOfOrder, 0),
      unexpectedCloses: parts.reduce((sum, p) => sum + p.unexpectedCloses, 0),
      elapsedMs: lastAt - startedAt,
      deliveriesPerSecond: (received * MS_PER_SECOND) / (lastAt - startedAt),
      outcome,
      latencies,
    };
  }

  /** Waits until every expected delivery arrived, deliveries stall, or the scenario times out. */
  async waitForDeliveries(startedAt) {
    let last = -1;
    let lastChangeAt = nowMs();
    for (;;) {
      const received = this.received();
      if (received >= this.expected) return "complete";
      const now = nowMs();
      if (received !== last) [last, lastChangeAt] = [received, now];
      if (now - lastChangeAt > DELIVERY_IDLE_TIMEOUT_MS) return `stalled: nothing new for ${DELIVERY_IDLE_TIMEOUT_MS} ms`;
      if (now - startedAt > SCENARIO_TIMEOUT_MS) return `timed out after ${SCENARIO_TIMEOUT_MS} ms`;
      await sleep(WAIT_POLL_MS);
    }
  }

  /** Asks every worker to exit, then kills (by PID) any that did not. */
  async stop() {
    for (const child of this.children) if (!child.exited) child.send({ cmd: "exit" }, () => {});
    const deadline = Date.now() + WORKER_REPLY_TIMEOUT_MS;
    while (this.children.some((c) => !c.exited) && Date.now() < deadline) await sleep(WAIT_POLL_MS);
    for (const child of this.children) if (!child.exited) child.kill("SIGKILL");
  }

  /** Synchronous last resort for `process.on("exit")`. */
  killNow() {
    for (const child of this.children) if (!child.exited) child.kill("SIGKILL");
  }
}

/** Opens the publisher connection; in `roomcast.v1` the welcome frame it gets is ignored. */
export function openPublisher(url, subprotocol) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, subprotocol ? [subprotocol] : [], { perMessageDeflate: PER_MESSAGE_DEFLATE, handshakeTimeout: CONNECT_TIMEOUT_MS });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.on("close", (code) => (ws.closedWith = code));
  });
}

export function closePublisher(ws) {
  if (ws.readyState === WebSocket.OPEN) ws.close(NORMAL_CLOSURE, "bench done");
  else ws.terminate();
}

function assertOpen(ws) {
  if (ws.readyState !== WebSocket.OPEN) throw new Error(`publisher socket closed (code ${ws.closedWith ?? "?"})`);
}

/** Throughput: every message at once, as fast as this process can write them. */
export function publishBurst(ws, mode, runId, count) {
  assertOpen(ws);
  for (let i = 0; i < count; i++) ws.send(publishFrame(mode, encodePayload(runId, i, nowMs())));
}

/** Latency: `count` messages at `ratePerSecond`, on an absolute schedule (no drift). */
export async function publishPaced(ws, mode, runId, count, ratePerSecond) {
  const intervalMs = MS_PER_SECOND / ratePerSecond;
  const start = nowMs();
  for (let i = 0; i < count; i++) {
    const wait = start + i * intervalMs - nowMs();
    if (wait > 0) await sleep(wait);
    assertOpen(ws);
    ws.send(publishFrame(mode, encodePayload(runId, i, nowMs())));
  }
}

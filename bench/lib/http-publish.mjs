/**
 * @module http-publish
 * The batch-publish scenario (roomcast only): closed loops of HTTP requests to the serving
 * workerd, HTTP_CONCURRENCY in flight over keep-alive connections. `POST /publish` with
 * BATCH_PUBLISH_ENTRIES entries for one room, against two baselines from the same run and
 * server: single-message `POST /rooms/:room/messages` (messages/s) and `GET /healthz` (what one
 * wrangler dev server answers per second at all). Every entry's result is checked (seq or error).
 */
import { Agent, request as httpRequest } from "node:http";
import { BATCH_PUBLISH_ENTRIES, HTTP_CONCURRENCY, HTTP_REQUEST_TIMEOUT_MS } from "./options.mjs";
import { encodePayload, nowMs } from "./payload.mjs";
import { cpuMs } from "./procfs.mjs";
import { round } from "./stats.mjs";

const MS_PER_SECOND = 1000;
const US_PER_MS = 1000;
const HTTP_OK_MIN = 200;
const HTTP_OK_MAX = 299;

/** One request; resolves `{ status, body }` (the body as text), rejects on a network error or timeout. */
function send(agent, port, method, path, body) {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) };
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent, timeout: HTTP_REQUEST_TIMEOUT_MS }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${HTTP_REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * `requests` requests, HTTP_CONCURRENCY at once; `make(i)` → { method, path, body, messages,
 * accepted(response) → messages accepted }. Returns requests/s, messages/s and CPU µs per message.
 */
async function closedLoop(server, requests, make) {
  const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONCURRENCY });
  const pid = server.pids.serving;
  let next = 0;
  let accepted = 0;
  let failed = 0;
  let firstError = null;
  const cpuBefore = cpuMs(pid);
  const startedAt = nowMs();
  const lane = async () => {
    while (next < requests) {
      const call = make(next++);
      try {
        const response = await send(agent, server.connectPort, call.method, call.path, call.body);
        const ok = response.status >= HTTP_OK_MIN && response.status <= HTTP_OK_MAX ? call.accepted(response) : 0;
        accepted += ok;
        failed += call.messages - ok;
        if (ok < call.messages) firstError ??= `HTTP ${response.status}: ${response.body.slice(0, 200)}`;
      } catch (error) {
        failed += call.messages;
        firstError ??= String(error?.message ?? error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HTTP_CONCURRENCY, requests) }, lane));
  const elapsedMs = nowMs() - startedAt;
  const cpu = cpuMs(pid) - cpuBefore;
  agent.destroy();
  const units = accepted || requests;
  return {
    requests,
    elapsedMs: round(elapsedMs),
    requestsPerSecond: round((requests * MS_PER_SECOND) / elapsedMs, 0),
    messagesPerSecond: round((accepted * MS_PER_SECOND) / elapsedMs, 0),
    accepted,
    failed,
    ...(firstError ? { firstError } : {}),
    servingCpuMs: cpu,
    servingCpuUsPerMessage: round((cpu * US_PER_MS) / units),
  };
}

const seqCount = (results) => results.filter((r) => typeof r?.seq === "number").length;

/** The three loops of one round against the roomcast server, each into its own fresh room. */
export async function runHttpPublish(ctx, profile, roundLabel) {
  const server = ctx.servers.roomcast;
  const stamp = `${roundLabel}-${ctx.stamp}-${ctx.attempt}`;
  const health = await closedLoop(server, profile.singleRequests, () => ({ method: "GET", path: "/healthz", messages: 1, accepted: () => 1 }));
  const singleRoom = `bench-http1-${stamp}`;
  const single = await closedLoop(server, profile.singleRequests, (i) => ({
    method: "POST",
    path: `/rooms/${singleRoom}/messages`,
    body: JSON.stringify({ data: encodePayload(`h1${roundLabel}`, i, nowMs()) }),
    messages: 1,
    accepted: (response) => (typeof JSON.parse(response.body)?.seq === "number" ? 1 : 0),
  }));
  const batchRoom = `bench-batch-${stamp}`;
  const batch = await closedLoop(server, profile.batchRequests, (i) => ({
    method: "POST",
    path: "/publish",
    body: JSON.stringify({ messages: Array.from({ length: BATCH_PUBLISH_ENTRIES }, (_, k) => ({ room: batchRoom, data: encodePayload(`hb${roundLabel}`, i * BATCH_PUBLISH_ENTRIES + k, nowMs()) })) }),
    messages: BATCH_PUBLISH_ENTRIES,
    accepted: (response) => seqCount(JSON.parse(response.body)?.results ?? []),
  }));
  return { health, single, batch };
}

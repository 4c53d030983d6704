/**
 * @module payload
 * The benchmark's message format, shared by the publisher and the load workers: a 64-byte text
 * payload `t=<send time ms>;i=<index>;r=<run id>;` padded with dots, and the shared clock.
 * Every generator process runs on one machine, so `performance.timeOrigin + performance.now()`
 * gives comparable millisecond timestamps across processes.
 */
import { performance } from "node:perf_hooks";
import { PAYLOAD_BYTES } from "./options.mjs";

const PAD = ".";
/** Digits after the decimal point of a timestamp: microseconds. */
const TIME_DECIMALS = 3;
/** `roomcast.v1` frames carrying a publish start like this (the welcome frame does not). */
const V1_MESSAGE_PREFIX = '{"type":"message"';

/** Milliseconds on a clock shared by every process on this machine. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/** The text payload of message `index` of run `runId`, sent at `sentAtMs`. */
export function encodePayload(runId, index, sentAtMs) {
  const head = `t=${sentAtMs.toFixed(TIME_DECIMALS)};i=${index};r=${runId};`;
  if (head.length > PAYLOAD_BYTES) throw new Error(`payload head "${head}" is longer than ${PAYLOAD_BYTES} bytes`);
  return head.padEnd(PAYLOAD_BYTES, PAD);
}

/** The frame a publisher sends in `mode` ("raw" sends the payload itself). */
export function publishFrame(mode, payload) {
  return mode === "v1" ? JSON.stringify({ type: "publish", data: payload }) : payload;
}

/** `{ runId, index, sentAtMs }` from a received frame, or null for frames that are not ours. */
export function decodeFrame(mode, frame) {
  let payload = frame;
  if (mode === "v1") {
    if (!frame.startsWith(V1_MESSAGE_PREFIX)) return null; // welcome, presence, …
    const parsed = JSON.parse(frame);
    if (typeof parsed.data !== "string") return null;
    payload = parsed.data;
  }
  const fields = /^t=([\d.]+);i=(\d+);r=([^;]+);/.exec(payload);
  if (!fields) return null;
  return { sentAtMs: Number(fields[1]), index: Number(fields[2]), runId: fields[3] };
}

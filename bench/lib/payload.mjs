/**
 * @module payload
 * The benchmark's message format, shared by every publisher and the load workers: a 64-byte text
 * payload `t=<send time ms>;i=<index>;r=<run id>;` padded with dots, and the shared clock.
 * Every generator process runs on one machine, so `performance.timeOrigin + performance.now()`
 * gives comparable millisecond timestamps across processes. Raw targets relay the payload as-is;
 * roomcast.v1 wraps it in `{"type":"message",…,"data":"<payload>"}`, and a batching room sends
 * `{"type":"batch","messages":[message…]}` — every message inside counts as one delivery.
 */
import { performance } from "node:perf_hooks";
import { PAYLOAD_BYTES } from "./options.mjs";

const PAD = ".";
/** Digits after the decimal point of a timestamp: microseconds. */
const TIME_DECIMALS = 3;
/** roomcast.v1 frames carrying messages start like this (welcome, presence, … do not). */
const V1_MESSAGE_PREFIX = '{"type":"message"';
const V1_BATCH_PREFIX = '{"type":"batch"';
const PAYLOAD_FIELDS = /^t=([\d.]+);i=(\d+);r=([^;]+);/;
const NONE = Object.freeze([]);

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

/** The frame a client sends in `mode` ("raw" sends the payload itself). */
export function publishFrame(mode, payload) {
  return mode === "v1" ? JSON.stringify({ type: "publish", data: payload }) : payload;
}

function decodePayload(payload) {
  const fields = typeof payload === "string" ? PAYLOAD_FIELDS.exec(payload) : null;
  return fields ? { sentAtMs: Number(fields[1]), index: Number(fields[2]), runId: fields[3] } : null;
}

function fromMessage(message) {
  return message?.type === "message" && !message.snapshot ? decodePayload(message.data) : null;
}

/** Every benchmark message in one received frame: `[{ runId, index, sentAtMs }…]` (empty for others). */
export function decodeFrame(mode, frame) {
  if (mode !== "v1") {
    const decoded = decodePayload(frame);
    return decoded ? [decoded] : NONE;
  }
  if (frame.startsWith(V1_MESSAGE_PREFIX)) {
    const decoded = fromMessage(JSON.parse(frame));
    return decoded ? [decoded] : NONE;
  }
  if (frame.startsWith(V1_BATCH_PREFIX)) {
    const { messages } = JSON.parse(frame);
    return Array.isArray(messages) ? messages.map(fromMessage).filter(Boolean) : NONE;
  }
  return NONE;
}

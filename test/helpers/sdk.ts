/**
 * @module sdk
 * Helpers for tests of the client SDK against the real gateway: a recorder of everything a
 * RoomClient emits, and waits that time out saying what did not happen (HTTP publishing is in
 * http-api.ts).
 */
import type { PresenceChange, ResumeOutcome, RoomClient, RoomClientError, RoomMessage, StateChange } from "../../src/client";
import { DEFAULT_WAIT_MS } from "./clients";

const POLL_MS = 10;

export interface Recorder {
  states: StateChange[];
  messages: RoomMessage[];
  errors: RoomClientError[];
  resumes: ResumeOutcome[];
  presence: PresenceChange[];
}

export function record(client: RoomClient): Recorder {
  const recorder: Recorder = { states: [], messages: [], errors: [], resumes: [], presence: [] };
  client.on("state", (change) => recorder.states.push(change));
  client.on("message", (message) => recorder.messages.push(message));
  client.on("error", (error) => recorder.errors.push(error));
  client.on("resume", (outcome) => recorder.resumes.push(outcome));
  client.on("presence", (change) => recorder.presence.push(change));
  return recorder;
}

/** Polls `check` until it holds; fails naming `what` (and `detail()`, if given) when it never does. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS, detail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}${detail ? ` (${detail()})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits for a `state` event with `state` after the first `fromIndex` events. */
export async function waitForState(recorder: Recorder, state: StateChange["state"], what: string, fromIndex = 0, timeoutMs = DEFAULT_WAIT_MS): Promise<StateChange> {
  const find = () => recorder.states.slice(fromIndex).find((change) => change.state === state);
  await waitUntil(() => find() !== undefined, what, timeoutMs, () => `states so far: ${recorder.states.map((s) => s.state + (s.code ? `(${s.code})` : "")).join(" → ")}`);
  return find()!;
}

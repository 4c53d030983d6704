/**
 * @module stomp-negotiation
 * What CONNECT settles (STOMP 1.2 §Protocol Negotiation, §Heart-beating), runtime-free: the
 * highest version both sides speak, and how often each side must show it is alive.
 */
import type { StompVersion } from "./frame";

/** Versions this server speaks, best first. */
export const SUPPORTED_VERSIONS: readonly StompVersion[] = ["1.2", "1.1", "1.0"];

/** The version for an `accept-version` header: none means a 1.0 client. null: nothing in common. */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion | null {
  if (acceptVersion === undefined) return "1.0";
  const offered = new Set(acceptVersion.split(",").map((version) => version.trim()));
  return SUPPORTED_VERSIONS.find((version) => offered.has(version)) ?? null;
}

/** Largest heart-beat interval accepted, in ms (a day): beyond it the numbers are nonsense. */
const MAX_HEART_BEAT_MS = 86_400_000;

/** `cx,cy` in ms; absent means `0,0` (no heart-beats). null: not two whole numbers. */
export function parseHeartBeat(value: string | undefined): [number, number] | null {
  if (value === undefined) return [0, 0];
  const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(value);
  if (!match) return null;
  const pair: [number, number] = [Number(match[1]), Number(match[2])];
  return pair.every((ms) => ms <= MAX_HEART_BEAT_MS) ? pair : null;
}

export interface HeartBeats {
  /** How often the server sends an EOL when otherwise idle; 0 = never. */
  serverSendsEveryMs: number;
  /** How often the client promised to send something; 0 = no check. */
  clientSendsEveryMs: number;
}

/**
 * Each direction beats at the larger of what the sender can do and the receiver wants, and not
 * at all when either side says 0 (STOMP 1.2 §Heart-beating).
 */
export function negotiateHeartBeats(client: [number, number], server: [number, number]): HeartBeats {
  const [clientCanSend, clientWants] = client;
  const [serverCanSend, serverWants] = server;
  return {
    serverSendsEveryMs: serverCanSend === 0 || clientWants === 0 ? 0 : Math.max(serverCanSend, clientWants),
    clientSendsEveryMs: clientCanSend === 0 || serverWants === 0 ? 0 : Math.max(clientCanSend, serverWants),
  };
}

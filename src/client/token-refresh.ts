/**
 * @module token-refresh
 * In-band token refresh (docs/protocol.md §3, §5, §9): when `token` is a function, the SDK asks it
 * for a fresh token ahead of the current one's expiry and sends `{"type":"auth","token","id"}`,
 * so the connection never hits 4001. The expiry is read from the JWT's payload without verifying
 * it (the room verifies). An ack makes the new token current; a refusal (`unauthorized`,
 * `forbidden`, `bad_request`) is emitted as an error and the connection keeps its old token (the
 * room closes it 4001 at expiry and the reconnect fetches a token anyway). A token function that
 * throws, or gives no fresher token, is asked again a few times before the expiry.
 * Each welcomed link starts over from the token it connected with; a lost link stops everything.
 */
import { encodeAuth } from "../shared/protocol";
import { RoomClientError } from "./events";
import { resolveToken, type TokenSource } from "./options";
import { cancelTimer, type Timer } from "./timers";

/** Refresh at 80% of the remaining lifetime, or this long before expiry if that is earlier… */
export const REFRESH_LEAD_MS = 30_000;
const REFRESH_AT_FRACTION = 0.8;
/** …but never before half the remaining lifetime: a short-lived token is not refreshed in a loop. */
const REFRESH_NOT_BEFORE_FRACTION = 0.5;
/** Asks of the token function per expiry, the first included, before the SDK lets the token run out. */
export const MAX_REFRESH_ATTEMPTS = 3;
const AUTH_ID_PREFIX = "auth-";
/** The error code when the token function throws or gives nothing usable. */
export const TOKEN_FAILED = "token_failed";

function tokenFunctionFailed(error: unknown): RoomClientError {
  return new RoomClientError(TOKEN_FAILED, `the token function failed: ${(error as Error)?.message ?? error}`);
}

/** The token's `exp` in ms since the epoch, read without verifying; undefined when it has none. */
export function tokenExpiryMs(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")), (char) => char.charCodeAt(0));
    const exp = (JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    // Not a JWT the SDK can read: it is sent as it is and never refreshed in-band.
    return undefined;
  }
}

/** How long after `nowMs` to refresh a token expiring at `expiresAtMs` (0 when it has expired). */
export function refreshDelayMs(expiresAtMs: number, nowMs: number): number {
  const remaining = Math.max(0, expiresAtMs - nowMs);
  const wanted = Math.min(remaining * REFRESH_AT_FRACTION, remaining - REFRESH_LEAD_MS);
  return Math.max(remaining * REFRESH_NOT_BEFORE_FRACTION, wanted);
}

export interface TokenRefreshHost {
  /** Sends on the current welcomed link; false when there is none. */
  send(text: string): boolean;
  error(error: RoomClientError): void;
}

export class TokenRefresh {
  /** Expiry of the token the current link holds (the connect token, then each acked one). */
  private expiresAtMs: number | undefined;
  /** The token this link connected with, until its welcome starts the schedule. */
  private connectToken: string | undefined;
  private timer: Timer | undefined;
  private attempts = 0;
  private nextId = 0;
  /** The auth frame waiting for its answer, with its token's expiry. */
  private pending: { id: string; expiresAtMs: number } | undefined;
  /** Counts links, so a token function's late answer never goes to a later link. */
  private generation = 0;

  constructor(
    private readonly source: TokenSource | undefined,
    private readonly host: TokenRefreshHost,
  ) {}

  /**
   * The token for a new connection attempt (a function is called every time), kept for its
   * welcome; undefined when the token function threw (the error is emitted).
   */
  async forConnect(): Promise<{ token: string | undefined } | undefined> {
    try {
      this.connectToken = await resolveToken(this.source);
    } catch (error) {
      this.host.error(tokenFunctionFailed(error));
      return undefined;
    }
    return { token: this.connectToken };
  }

  /** The link that used the last `forConnect` token was welcomed: schedule its refresh. */
  welcomed(): void {
    this.stop();
    if (typeof this.source !== "function" || this.connectToken === undefined) return;
    this.expiresAtMs = tokenExpiryMs(this.connectToken);
    this.schedule();
  }

  /** The link ended or the client closed: nothing is sent until the next welcome. */
  stop(): void {
    cancelTimer(this.timer);
    this.timer = undefined;
    this.generation++;
    this.expiresAtMs = undefined;
    this.pending = undefined;
    this.attempts = 0;
  }

  /** An `ack` or `error` frame with `id`: true when it answered this refresh's auth frame. */
  answered(id: string, error?: RoomClientError): boolean {
    if (this.pending?.id !== id) return false;
    const { expiresAtMs } = this.pending;
    this.pending = undefined;
    if (error) {
      // The room refused this token: asking again would most likely get the same answer.
      this.host.error(error);
      return true;
    }
    this.expiresAtMs = expiresAtMs;
    this.attempts = 0;
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.expiresAtMs === undefined) return;
    const now = Date.now();
    if (this.expiresAtMs <= now) return;
    const delay = this.attempts === 0 ? refreshDelayMs(this.expiresAtMs, now) : (this.expiresAtMs - now) * REFRESH_NOT_BEFORE_FRACTION;
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    this.timer = undefined;
    const generation = this.generation;
    const current = this.expiresAtMs;
    this.attempts++;
    let token: string | undefined;
    try {
      token = await resolveToken(this.source);
    } catch (error) {
      if (generation !== this.generation) return;
      return this.failed(tokenFunctionFailed(error));
    }
    if (generation !== this.generation || current === undefined) return;
    const expiresAtMs = token === undefined ? undefined : tokenExpiryMs(token);
    if (token === undefined || expiresAtMs === undefined || expiresAtMs <= current) {
      return this.failed(new RoomClientError(TOKEN_FAILED, "the token function gave no token expiring later than the current one"));
    }
    const id = `${AUTH_ID_PREFIX}${++this.nextId}`;
    const encoded = encodeAuth(token, id);
    if (!encoded.ok) return this.failed(new RoomClientError(TOKEN_FAILED, encoded.reason));
    // Not sent: the link is going, and the next connection uses a fresh token anyway.
    if (this.host.send(encoded.text)) this.pending = { id, expiresAtMs };
  }

  private failed(error: RoomClientError): void {
    this.host.error(error);
    if (this.attempts < MAX_REFRESH_ATTEMPTS) this.schedule();
  }
}

/**
 * @module heartbeat
 * The watchdog (SPEC §3 "Heartbeat", §9): sends the text frame `ping` every interval; the runtime
 * answers `pong` without waking the room. When neither `pong` nor any other frame arrives within
 * the timeout after a ping, the link is presumed dead — a silent link (a NAT or proxy that
 * stopped forwarding) never fires `close` by itself, so only this notices it.
 */

/** The heartbeat request and the runtime's auto-response: plain text, not JSON, in every mode. */
export const HEARTBEAT_PING_TEXT = "ping";
export const HEARTBEAT_PONG_TEXT = "pong";

export class Heartbeat {
  private intervalTimer: ReturnType<typeof setInterval> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}

  /** Starts pinging with `sendPing`; any earlier run is stopped first. */
  start(sendPing: () => void): void {
    this.stop();
    this.intervalTimer = setInterval(() => {
      sendPing();
      // The deadline runs from the first unanswered ping; later pings do not push it back.
      this.deadlineTimer ??= setTimeout(() => {
        this.stop();
        this.onTimeout();
      }, this.timeoutMs);
    }, this.intervalMs);
  }

  /** Any frame from the room proves the link alive. */
  traffic(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  stop(): void {
    clearInterval(this.intervalTimer);
    this.intervalTimer = undefined;
    this.traffic();
  }
}

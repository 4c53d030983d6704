/**
 * @module heartbeat
 * The watchdog (docs/protocol.md §3 "Heartbeat", §9): sends the text frame `ping` every interval; the runtime
 * answers `pong` without waking the room. When neither `pong` nor any other frame arrives within
 * the timeout after a ping, the link is presumed dead — a silent link (a NAT or proxy that
 * stopped forwarding) never fires `close` by itself, so only this notices it.
 */
import { cancelInterval, cancelTimer, type IntervalTimer, type Timer } from "./timers";

/** The heartbeat request and the runtime's auto-response: plain text, not JSON, in every mode. */
export const HEARTBEAT_PING_TEXT = "ping";
export const HEARTBEAT_PONG_TEXT = "pong";

export class Heartbeat {
  private intervalTimer: IntervalTimer | undefined;
  private deadlineTimer: Timer | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly onTimeout: () => void,
  ) {}

  /**
   * Starts pinging with `sendPing`, the first ping at once: it probes a fresh link, and a link
   * on which the client has sent something sees the room's close frames at once (local workerd
   * delays the close event of a client that never sent a frame by ~10 s). Any earlier run stops.
   */
  start(sendPing: () => void): void {
    this.stop();
    const ping = () => {
      sendPing();
      // The deadline runs from the first unanswered ping; later pings do not push it back.
      this.deadlineTimer ??= setTimeout(() => {
        this.stop();
        this.onTimeout();
      }, this.timeoutMs);
    };
    ping();
    this.intervalTimer = setInterval(ping, this.intervalMs);
  }

  /** Any frame from the room proves the link alive. */
  traffic(): void {
    cancelTimer(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  stop(): void {
    cancelInterval(this.intervalTimer);
    this.intervalTimer = undefined;
    this.traffic();
  }
}

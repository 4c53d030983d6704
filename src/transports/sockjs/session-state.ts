/**
 * @module sockjs-session-state
 * One SockJS HTTP session (sockjs-protocol §Session URLs): an outbox of raw texts, at most one
 * receiving request, heartbeats while one waits, and the close frame once the session ended.
 * A session with no receiving request for DISCONNECT_DELAY_MS is over (the client went away):
 * its room link is closed and the object forgets it. A closed session keeps answering its close
 * frame for the same delay, as the protocol asks.
 */
import { Close, type NamedClose } from "../../shared/closes";
import { forwardableCloseCode, type RoomLink } from "../room-link";
import { HEARTBEAT_FRAME, OPEN_FRAME, SockjsCloseCode, closeFrame, messagesFrame } from "./framing";
import { rawTextsOf } from "./raw-bridge";
import type { Receiver } from "./receivers";
import { MAX_OUTBOX_BYTES } from "../../shared/limits";

/** How long a session lives without a receiving request, in ms (SockJS's disconnect_delay). */
export const DISCONNECT_DELAY_MS = 5_000;

export type SessionPhase = "opening" | "open" | "closed";

export class SockjsSessionState {
  phase: SessionPhase = "opening";
  link: RoomLink | undefined;
  private outbox: string[] = [];
  private outboxBytes = 0;
  private closing: string | undefined;
  private receiver: Receiver | undefined;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly heartbeatMs: number,
    /** The session is over and may be forgotten. */
    private readonly onExpired: () => void,
  ) {}

  /**
   * Hands a receiving request to the session. A second concurrent one gets the 2010 close frame;
   * on a closed session it gets the close frame. Either way that request ends at once.
   */
  attach(receiver: Receiver): void {
    if (this.receiver && !this.receiver.done) {
      receiver.send(closeFrame(SockjsCloseCode.anotherConnectionStillOpen, "Another connection still open"));
      receiver.end();
      return;
    }
    if (this.phase === "closed") {
      receiver.send(this.closing!);
      receiver.end();
      this.armDisconnect();
      return;
    }
    cancel(this.disconnectTimer);
    this.receiver = receiver;
    this.flush();
    if (this.receiver) this.armHeartbeat();
  }

  /** A streaming receiver's client went away before its response ended. */
  receiverGone(receiver: Receiver): void {
    if (this.receiver === receiver) this.detach();
  }

  /** The room link is up: the client gets `o`, then whatever the room sends. */
  opened(link: RoomLink): void {
    if (this.phase !== "opening") {
      link.close(Close.sockjsSessionAlreadyOver);
      return;
    }
    this.phase = "open";
    this.link = link;
    link.start({
      onFrame: (frame) => this.push(rawTextsOf(frame)),
      onClose: (code, reason) => this.close({ code: forwardableCloseCode(code), reason }),
    });
    this.write(OPEN_FRAME);
  }

  /** Ends the session with a close frame (after delivering what it already holds). */
  close(close: NamedClose): void {
    if (this.phase === "closed") return;
    this.flush();
    this.phase = "closed";
    this.closing = closeFrame(close.code, close.reason);
    this.link?.close(Close.sockjsSessionClosed);
    if (this.receiver) {
      this.write(this.closing);
      this.receiver?.end();
      this.detach();
    } else this.armDisconnect();
  }

  private push(texts: string[]): void {
    if (this.phase !== "open" || texts.length === 0) return;
    for (const text of texts) {
      this.outbox.push(text);
      this.outboxBytes += text.length;
    }
    if (this.outboxBytes > MAX_OUTBOX_BYTES) {
      this.outbox = [];
      this.outboxBytes = 0;
      this.close(Close.clientNotReceiving);
      return;
    }
    this.flush();
  }

  private flush(): void {
    if (!this.receiver || this.outbox.length === 0) return;
    const frame = messagesFrame(this.outbox);
    this.outbox = [];
    this.outboxBytes = 0;
    this.write(frame);
  }

  private write(frame: string): void {
    const receiver = this.receiver;
    if (!receiver) return;
    receiver.send(frame);
    if (receiver.done) this.detach();
    else this.armHeartbeat();
  }

  private detach(): void {
    this.receiver = undefined;
    cancel(this.heartbeatTimer);
    this.armDisconnect();
  }

  private armHeartbeat(): void {
    cancel(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.write(HEARTBEAT_FRAME), this.heartbeatMs);
  }

  private armDisconnect(): void {
    cancel(this.disconnectTimer);
    this.disconnectTimer = setTimeout(() => {
      if (this.receiver) return;
      if (this.phase !== "closed") {
        this.phase = "closed";
        this.link?.close(Close.sockjsSessionTimedOut);
      }
      this.onExpired();
    }, DISCONNECT_DELAY_MS);
  }
}

function cancel(timer: ReturnType<typeof setTimeout> | undefined): void {
  if (timer !== undefined) clearTimeout(timer);
}

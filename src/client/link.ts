/**
 * @module link
 * One WebSocket at a time, watched: the connect timer (no welcome in time), the heartbeat
 * watchdog (silent link) and the error/close events all end the link the same way, once, through
 * `ended(code, reason)`. Events of a socket the link already let go of are ignored, so frames and
 * closes from a replaced connection can never reach the client.
 */
import { Heartbeat, HEARTBEAT_PING_TEXT } from "./heartbeat";
import { LOCAL_CLOSE } from "./reconnect-policy";
import { SOCKET_OPEN, type SocketConstructor, type SocketLike } from "./socket";
import { cancelTimer, type Timer } from "./timers";

export const LINK_REASON = Object.freeze({
  heartbeat: "heartbeat timeout: no pong or other frame",
  connectTimeout: "no welcome within connectTimeoutMs",
  networkError: "network error",
});

export interface LinkOptions {
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  connectTimeoutMs: number;
}

export interface LinkCallbacks {
  data(data: unknown): void;
  ended(code: number, reason: string): void;
}

export class Link {
  private socket: SocketLike | undefined;
  private connectTimer: Timer | undefined;
  private readonly heartbeat: Heartbeat;
  /** Counts sockets, so what was sent can be tied to the connection it was sent on. */
  generation = 0;

  constructor(
    private readonly Ctor: SocketConstructor,
    private readonly options: LinkOptions,
    private readonly callbacks: LinkCallbacks,
  ) {
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs, options.heartbeatTimeoutMs, () => this.abandon(LINK_REASON.heartbeat));
  }

  get active(): boolean {
    return this.socket !== undefined;
  }

  /** Opens a new socket (throws what the WebSocket constructor throws). */
  open(url: string, protocols: string[]): void {
    this.release();
    const socket = new this.Ctor(url, protocols);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.generation++;
    const current = () => socket === this.socket;
    socket.addEventListener("open", () => current() && this.heartbeat.start(() => this.send(HEARTBEAT_PING_TEXT)));
    socket.addEventListener("message", (event) => {
      if (!current()) return;
      this.heartbeat.traffic();
      this.callbacks.data(event.data);
    });
    socket.addEventListener("close", (event) => current() && this.end(event.code, event.reason));
    // A failed link fires `error` before `close` — and Node 22's WebSocket (undici) never fires
    // `close` for a connection reset during the handshake — so `error` ends the link (1006).
    socket.addEventListener("error", () => current() && this.abandon(LINK_REASON.networkError));
    this.connectTimer = setTimeout(() => this.abandon(LINK_REASON.connectTimeout), this.options.connectTimeoutMs);
  }

  /** The room's welcome arrived: the connect timer has done its job. */
  welcomed(): void {
    cancelTimer(this.connectTimer);
    this.connectTimer = undefined;
  }

  send(text: string): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return false;
    try {
      socket.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the socket with a code the app chose; no `ended` callback follows. */
  close(code: number, reason: string): void {
    const socket = this.release();
    try {
      socket?.close(code, reason);
    } catch {
      // Already closing: nothing more to say to the room.
    }
  }

  /** Gives up on a socket that still looks open (silent link, no welcome, error) and reports it lost. */
  private abandon(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.end(LOCAL_CLOSE.abnormal, reason);
    try {
      socket.close(LOCAL_CLOSE.abandonWireCode, reason);
    } catch {
      // Its close event is ignored anyway: the socket is no longer current.
    }
  }

  private end(code: number, reason: string): void {
    this.release();
    this.callbacks.ended(code, reason);
  }

  private release(): SocketLike | undefined {
    const socket = this.socket;
    this.socket = undefined;
    this.heartbeat.stop();
    this.welcomed();
    return socket;
  }
}

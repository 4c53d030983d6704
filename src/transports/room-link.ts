/**
 * @module room-link
 * A transport adapter's own `roomcast.v1` connection to a room (docs/protocol.md §10). SSE, SockJS and STOMP
 * never touch the room's internals: like any client, they upgrade through `stub.fetch` with the
 * identity headers the Worker sets (`withIdentity`), wait for the welcome, then translate frames.
 * A room that refuses (capacity 1013, ticket reuse 4001) closes the link before any welcome, so
 * `openRoomLink` reports that close instead of a link.
 */
import type { ConnectionGrant } from "../admission";
import { configFrom } from "../config";
import type { Env } from "../env";
import { withIdentity } from "../identity";
import { placeConnection } from "../room/shard-placement";
import { CloseCode, isSendableCloseCode } from "../shared/close-codes";
import { closeQuietly, closeWith } from "../shared/close-quietly";
import { Close, type NamedClose } from "../shared/closes";
import { SUBPROTOCOL_V1, decodeServerFrame, type ClientFrame, type ServerFrame, type WelcomeServerFrame } from "../shared/protocol";

/** The internal upgrade's origin: the room reads only the path and the query. */
const INTERNAL_ORIGIN = "https://roomcast.internal";
/** RFC 6455 1005: the close frame had no code (a plain close). */
const NO_STATUS_CODE = 1005;
/** How long a room may take to send its welcome before the adapter gives up, in ms. */
export const WELCOME_TIMEOUT_MS = 10_000;

export interface RoomLinkOptions {
  room: string;
  grant: ConnectionGrant;
  /** Query the room understands on connect: `topics`, `echo`, `since`, `epoch`. */
  query?: Record<string, string | undefined>;
}

export interface RoomLinkHandlers {
  onFrame(frame: ServerFrame): void;
  /** Once, when the room closed the link (or it broke); never after the adapter's own close(). */
  onClose(code: number, reason: string): void;
}

export type RoomLinkResult = { ok: true; link: RoomLink; welcome: WelcomeServerFrame } | { ok: false; code: number; reason: string };

/** An open v1 link. Frames that arrive before `start` are kept, so none falls between welcome and start. */
export class RoomLink {
  private handlers: RoomLinkHandlers | undefined;
  private readonly queued: ServerFrame[] = [];
  private closedWith: { code: number; reason: string } | undefined;
  private closedByUs = false;

  constructor(private readonly ws: WebSocket) {}

  /** Attaches the adapter; queued frames (a resume replay) are handed over first. */
  start(handlers: RoomLinkHandlers): void {
    this.handlers = handlers;
    for (const frame of this.queued.splice(0)) handlers.onFrame(frame);
    if (this.closedWith) this.finish(this.closedWith.code, this.closedWith.reason);
  }

  /** Sends one v1 frame; false when the link is gone. */
  send(frame: ClientFrame): boolean {
    if (this.closedWith || this.closedByUs) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      // A send throws only on a link the room or the runtime already closed: treated as that
      // close (the adapter's client is told the room link broke), not as a new failure.
      this.received(Close.roomLinkBroke.code, Close.roomLinkBroke.reason);
      return false;
    }
  }

  /** Closes the link from the adapter's side; onClose is not called for it. */
  close(close: NamedClose = Close.linkDone): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    closeWith(this.ws, close);
  }

  get isOpen(): boolean {
    return !this.closedWith && !this.closedByUs;
  }

  /** @internal frames from the socket, before or after start. */
  deliver(frame: ServerFrame): void {
    if (this.closedByUs) return;
    if (this.handlers) this.handlers.onFrame(frame);
    else this.queued.push(frame);
  }

  /** @internal the room closed the link or it broke. */
  received(code: number, reason: string): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason };
    closeQuietly(this.ws, code, reason);
    if (this.handlers) this.finish(code, reason);
  }

  private finish(code: number, reason: string): void {
    if (this.closedByUs) return;
    const handlers = this.handlers;
    this.handlers = undefined;
    handlers?.onClose(code, reason);
  }
}

/** A room close code an adapter may pass on: 1005/1006/1015 only describe a local condition. */
export function forwardableCloseCode(code: number): number {
  if (code === NO_STATUS_CODE) return CloseCode.normal;
  return isSendableCloseCode(code) ? code : CloseCode.internalError;
}

/** The internal upgrade request the room accepts: a v1 connection with the Worker's identity. */
export function roomUpgradeRequest(options: RoomLinkOptions, shard?: number): Request {
  const url = new URL(`/rooms/${encodeURIComponent(options.room)}`, INTERNAL_ORIGIN);
  for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
  return withIdentity(url, { room: options.room, mode: "v1", subprotocol: SUBPROTOCOL_V1, ...options.grant, shard });
}

/**
 * Opens a v1 link to the room and waits for its welcome (or its refusal). Like the Worker's own
 * hand-off, a sharded room (docs/protocol.md §8) gets the link on a random shard object.
 */
export async function openRoomLink(env: Env, options: RoomLinkOptions): Promise<RoomLinkResult> {
  const { shard, stub } = placeConnection(env, configFrom(env), options.room);
  const response = await stub.fetch(roomUpgradeRequest(options, shard));
  const ws = response.webSocket;
  if (response.status !== 101 || !ws) return { ok: false, ...Close.roomRefusedLink };
  ws.accept();
  const link = new RoomLink(ws);
  return new Promise<RoomLinkResult>((resolve) => {
    let welcomed = false;
    const timer = setTimeout(() => {
      if (welcomed) return;
      welcomed = true;
      link.close(Close.noWelcome);
      resolve({ ok: false, ...Close.roomDidNotAnswer });
    }, WELCOME_TIMEOUT_MS);
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return; // Binary relays have no place in these transports.
      const decoded = decodeServerFrame(event.data);
      if (!decoded.ok) return;
      if (!welcomed) {
        if (decoded.frame.type !== "welcome") return;
        welcomed = true;
        clearTimeout(timer);
        resolve({ ok: true, link, welcome: decoded.frame });
        return;
      }
      link.deliver(decoded.frame);
    });
    const closed = (code: number, reason: string) => {
      if (!welcomed) {
        welcomed = true;
        clearTimeout(timer);
        resolve({ ok: false, code, reason });
      }
      link.received(code, reason);
    };
    ws.addEventListener("close", (event) => closed(event.code, event.reason));
    ws.addEventListener("error", () => closed(Close.roomLinkBroke.code, Close.roomLinkBroke.reason));
  });
}

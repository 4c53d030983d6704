/**
 * @module delivery
 * Getting frames to sockets: one encoding per wire mode per message, one send per subscriber,
 * and a failed send that closes only that peer (the partyserver pattern). Returns what was
 * sent as [messages, bytes] for the room's counters.
 */
import { encodeDirect, encodeMessageFrame, rawPayload, type StoredMessage } from "../shared/protocol";
import { acceptsTopic } from "../shared/topics";
import { utf8ByteLength } from "../shared/utf8";
import { readSocketState, type SocketState } from "./socket-state";

export type Sent = [messages: number, bytes: number];
/** Optional per-socket gate for a message (shards: replay floors and connections being attached). */
export type Skip = (state: SocketState, message: StoredMessage) => boolean;

/** The frames of one message, each encoded (and measured) at most once. */
class Encoded {
  private v1?: string;
  private raw?: string;
  v1Bytes = 0;
  rawBytes = 0;

  constructor(
    private readonly message: StoredMessage,
    private readonly snapshot = false,
  ) {}

  /** The payload for `mode`; its size is then in v1Bytes / rawBytes (no tuple per delivery). */
  payload(mode: SocketState["mode"]): string {
    if (mode === "v1") {
      if (this.v1 === undefined) {
        this.v1 = encodeMessageFrame(this.message, this.snapshot);
        this.v1Bytes = utf8ByteLength(this.v1);
      }
      return this.v1;
    }
    if (this.raw === undefined) {
      this.raw = rawPayload(this.message.dataJson);
      this.rawBytes = utf8ByteLength(this.raw);
    }
    return this.raw;
  }
}

export class Delivery {
  constructor(private readonly onSendFailed: (ws: WebSocket, state: SocketState, error: unknown) => void) {}

  /** Sends one frame; a throwing send closes that socket (1011) and never reaches the caller. */
  send(ws: WebSocket, state: SocketState, payload: string | ArrayBuffer): boolean {
    try {
      if (state.faultSend) throw new Error("injected send fault");
      ws.send(payload);
      return true;
    } catch (error) {
      this.onSendFailed(ws, state, error);
      return false;
    }
  }

  /** One stored message to one socket (replay, snapshots). */
  deliver(ws: WebSocket, state: SocketState, message: StoredMessage, snapshot = false): void {
    this.send(ws, state, new Encoded(message, snapshot).payload(state.mode));
  }

  /**
   * A sequenced message to every socket whose topics accept it; its sender (`from`) only with echo.
   * `includeV1` false leaves v1 sockets to the batcher.
   */
  fanOut(sockets: readonly WebSocket[], message: StoredMessage, includeV1 = true, skip?: Skip): Sent {
    const encoded = new Encoded(message);
    let count = 0;
    let bytes = 0;
    // Hot path: a plain loop over the runtime's array; a closing socket makes send() throw,
    // which `send` handles, so no readyState check per socket.
    for (const ws of sockets) {
      const state = readSocketState(ws);
      if (!state || (state.id === message.from && !state.echo)) continue;
      if (skip?.(state, message)) continue;
      if (!includeV1 && state.mode === "v1") continue;
      if (!acceptsTopic(state.topics, message.topic)) continue;
      if (this.send(ws, state, encoded.payload(state.mode))) {
        count++;
        bytes += state.mode === "v1" ? encoded.v1Bytes : encoded.rawBytes;
      }
    }
    return [count, bytes];
  }

  /** Binary frames go to every other socket (and the sender, by id, with echo); never sequenced. */
  relayBinary(sockets: readonly WebSocket[], senderId: string, data: ArrayBuffer, skip?: (state: SocketState) => boolean): Sent {
    let count = 0;
    for (const ws of sockets) {
      const state = readSocketState(ws);
      if (!state || (state.id === senderId && !state.echo)) continue;
      if (skip?.(state)) continue;
      if (this.send(ws, state, data)) count++;
    }
    return [count, count * data.byteLength];
  }

  /** A direct message: not sequenced, not stored. Raw targets get the data as raw text. */
  direct(ws: WebSocket, state: SocketState, from: string, dataJson: string, ts: number): void {
    const payload = state.mode === "v1" ? encodeDirect(from, dataJson, ts) : rawPayload(dataJson);
    this.send(ws, state, payload);
  }
}

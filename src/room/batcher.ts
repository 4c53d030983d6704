/**
 * @module batcher
 * Batching and conflation for `roomcast.v1` connections (docs/protocol.md §8): messages wait up to batchMs
 * and go out as one `{"type":"batch","messages":[...]}` frame per connection. With `conflate`,
 * only the newest message per topic survives within one batch (untopiced messages all stay);
 * the seqs dropped are simply skipped, and history still holds every message for resume.
 * Connections with the same view of a batch (same topic filters, not a sender in it) share one
 * encoded frame, so a batch costs one serialization per distinct filter set, not per socket.
 */
import { encodeBatch, encodeMessageFrame, type StoredMessage } from "../shared/protocol";
import { acceptsTopic } from "../shared/topics";
import type { SocketState } from "./socket-state";

interface Pending {
  message: StoredMessage;
  /** The publishing connection: it does not get its own message back unless it asked for echo. */
  senderId?: string;
  frame: string;
}

export class Batcher {
  private pending: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly batchMs: number,
    private readonly conflate: boolean,
    private readonly flush: () => void,
  ) {}

  add(message: StoredMessage, senderId?: string): void {
    if (this.conflate && message.topic !== undefined) {
      this.pending = this.pending.filter((entry) => entry.message.topic !== message.topic);
    }
    this.pending.push({ message, senderId, frame: encodeMessageFrame(message) });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.batchMs);
  }

  /** The batch frame for every v1 socket, grouped so each distinct view is encoded once. */
  take(sockets: Iterable<[WebSocket, SocketState]>): Array<[WebSocket, SocketState, string]> {
    const entries = this.pending;
    this.pending = [];
    if (entries.length === 0) return [];
    const senders = new Set(entries.map((entry) => entry.senderId).filter((id): id is string => id !== undefined));
    const firstSeq = entries[0]!.message.seq;
    const frames = new Map<string, string | null>();
    const out: Array<[WebSocket, SocketState, string]> = [];
    for (const [ws, state] of sockets) {
      if (state.mode !== "v1") continue;
      const excludesSelf = senders.has(state.id) && !state.echo;
      // A shard connection's replay point cuts messages it already has (rare: just after attaching).
      const floor = state.floorSeq !== undefined && state.floorSeq >= firstSeq ? state.floorSeq : 0;
      const key = `${state.topics.join("\u0000")}\u0001${excludesSelf ? state.id : ""}\u0001${floor}`;
      let frame = frames.get(key);
      if (frame === undefined) {
        const chosen = entries.filter(
          (entry) => entry.message.seq > floor && acceptsTopic(state.topics, entry.message.topic) && !(excludesSelf && entry.senderId === state.id),
        );
        frame = chosen.length === 0 ? null : encodeBatch(chosen.map((entry) => entry.frame));
        frames.set(key, frame);
      }
      if (frame !== null) out.push([ws, state, frame]);
    }
    return out;
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}

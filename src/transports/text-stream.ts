/**
 * @module text-stream
 * A streaming HTTP response body written from events (SSE, SockJS xhr-streaming/eventsource).
 * Writes do not wait: a client that stopped reading would otherwise pile up memory, so when more
 * than MAX_BUFFERED_BYTES are waiting the stream is given up (the client reconnects and resumes).
 * A failed write means the client went away; `onGone` is called once either way.
 */
import { MAX_BUFFERED_BYTES } from "../shared/limits";

export class TextStream {
  readonly readable: ReadableStream<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly encoder = new TextEncoder();
  private bufferedBytes = 0;
  private open = true;
  /** Bytes written so far (SockJS closes a streaming response after its limit). */
  writtenBytes = 0;

  constructor(private readonly onGone: (reason: "client_gone" | "slow_reader") => void) {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    this.readable = readable;
    this.writer = writable.getWriter();
    this.writer.closed.catch(() => this.gone("client_gone"));
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Queues `text`; false when the stream is already over. */
  write(text: string): boolean {
    if (!this.open) return false;
    const bytes = this.encoder.encode(text);
    this.bufferedBytes += bytes.byteLength;
    this.writtenBytes += bytes.byteLength;
    if (this.bufferedBytes > MAX_BUFFERED_BYTES) {
      this.gone("slow_reader");
      return false;
    }
    this.writer.write(bytes).then(
      () => {
        this.bufferedBytes -= bytes.byteLength;
      },
      () => this.gone("client_gone"),
    );
    return true;
  }

  /** Ends the response after what was written; onGone is not called for it. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.writer.close().catch(() => {
      // The client already went away: the response is over either way, and `gone` has
      // reported that departure when it was the cause.
    });
  }

  private gone(reason: "client_gone" | "slow_reader"): void {
    if (!this.open) return;
    this.open = false;
    this.writer.abort(reason).catch(() => {
      // Aborting a stream the client already closed rejects; `onGone` below reports the departure.
    });
    this.onGone(reason);
  }
}

/**
 * @module sockjs-receivers
 * The receiving request of a SockJS HTTP session: xhr (polling: one frame per request, then the
 * response ends), xhr_streaming and eventsource (frames stream until STREAMING_RESPONSE_LIMIT_BYTES,
 * then the response ends and the client opens the next one). A session has at most one.
 */
import { corsHeaders } from "../cors";
import { TextStream } from "../text-stream";
import { EVENTSOURCE_PRELUDE, STREAMING_RESPONSE_LIMIT_BYTES, XHR_STREAMING_PRELUDE, eventSourceFrame } from "./framing";

export type ReceiverKind = "xhr" | "xhr_streaming" | "eventsource";

export const RECEIVER_KINDS: ReadonlySet<string> = new Set<ReceiverKind>(["xhr", "xhr_streaming", "eventsource"]);

/** SockJS forbids caching any session response (iOS 6 even cached POSTs). */
export const NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0";
const JAVASCRIPT_CONTENT_TYPE = "application/javascript; charset=UTF-8";
const EVENT_STREAM_CONTENT_TYPE = "text/event-stream; charset=UTF-8";

export interface Receiver {
  /** Writes one frame; a polling receiver is done after it. */
  send(frame: string): void;
  /** Ends the response (nothing more will be written). */
  end(): void;
  readonly done: boolean;
  /** The HTTP answer; a polling one resolves when its frame is written. */
  response(): Promise<Response>;
}

class PollingReceiver implements Receiver {
  done = false;
  private resolveBody!: (body: string) => void;
  private readonly body = new Promise<string>((resolve) => (this.resolveBody = resolve));

  constructor(private readonly request: Request) {}

  send(frame: string): void {
    if (this.done) return;
    this.done = true;
    this.resolveBody(`${frame}\n`);
  }

  end(): void {
    this.send("");
  }

  async response(): Promise<Response> {
    const body = await this.body;
    return new Response(body, { headers: { ...corsHeaders(this.request), "Content-Type": JAVASCRIPT_CONTENT_TYPE, "Cache-Control": NO_CACHE } });
  }
}

class StreamingReceiver implements Receiver {
  private readonly stream: TextStream;

  constructor(
    private readonly request: Request,
    private readonly kind: "xhr_streaming" | "eventsource",
    onGone: () => void,
  ) {
    this.stream = new TextStream(onGone);
    this.stream.write(kind === "eventsource" ? EVENTSOURCE_PRELUDE : XHR_STREAMING_PRELUDE);
  }

  get done(): boolean {
    return !this.stream.isOpen;
  }

  send(frame: string): void {
    this.stream.write(this.kind === "eventsource" ? eventSourceFrame(frame) : `${frame}\n`);
    if (this.stream.writtenBytes >= STREAMING_RESPONSE_LIMIT_BYTES) this.stream.close();
  }

  end(): void {
    this.stream.close();
  }

  async response(): Promise<Response> {
    const contentType = this.kind === "eventsource" ? EVENT_STREAM_CONTENT_TYPE : JAVASCRIPT_CONTENT_TYPE;
    return new Response(this.stream.readable, { headers: { ...corsHeaders(this.request), "Content-Type": contentType, "Cache-Control": NO_CACHE } });
  }
}

/** A receiver for `kind`; `onGone` runs when a streaming client goes away before the end. */
export function newReceiver(kind: ReceiverKind, request: Request, onGone: () => void): Receiver {
  return kind === "xhr" ? new PollingReceiver(request) : new StreamingReceiver(request, kind, onGone);
}

/**
 * @module room-info
 * Polls `GET /rooms/:room/info` (every INFO_POLL_MS while the page is visible) and shows it: the
 * live connections and messages/s sparklines, and the whole answer as an expandable JSON tree.
 * A failing poll (401 without a key, 403, 400 bad room…) is shown in the error panel and
 * retried on the next tick.
 */
import { byId } from "../dom";
import { callApi, roomPath } from "./api";
import { Sparkline, messageRate } from "./charts";
import type { ErrorPanel } from "./errors";
import { jsonTree } from "./json-tree";

export const INFO_POLL_MS = 2_000;

interface RoomInfo {
  epoch: string;
  seq: number;
  connections: number;
  [field: string]: unknown;
}

export class RoomInfoView {
  private readonly connections = new Sparkline("connections", "");
  private readonly rate = new Sparkline("messages/s", "/s");
  private previous: { epoch: string; seq: number; at: number } | undefined;
  private inFlight = false;

  constructor(
    private readonly room: string,
    private readonly errors: ErrorPanel,
  ) {
    byId("charts").replaceChildren(this.connections.element, this.rate.element);
  }

  start(): void {
    void this.refresh();
    setInterval(() => {
      if (document.visibilityState !== "hidden") void this.refresh();
    }, INFO_POLL_MS);
  }

  async refresh(): Promise<void> {
    if (this.inFlight) return; // a slow answer is not stacked on by the next tick
    this.inFlight = true;
    try {
      const info = await callApi<RoomInfo>("GET", roomPath(this.room, "/info"));
      this.errors.clear("info");
      this.show(info);
    } catch (error) {
      this.errors.reportApi("info", error);
      byId("info").replaceChildren("no room info: see the error above");
    } finally {
      this.inFlight = false;
    }
  }

  private show(info: RoomInfo): void {
    const sample = { epoch: info.epoch, seq: info.seq, at: performance.now() };
    if (this.previous && this.previous.epoch !== info.epoch) this.rate.reset();
    const rate = messageRate(this.previous, sample);
    this.previous = sample;
    this.connections.push(info.connections);
    if (rate !== null) this.rate.push(rate);
    const target = byId("info");
    // Keep what the user expanded: only the first render opens the top level.
    const wasOpen = target.querySelector(":scope > details")?.hasAttribute("open") ?? true;
    target.replaceChildren(jsonTree(info, { open: wasOpen }));
  }
}

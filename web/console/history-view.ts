/**
 * @module history-view
 * The message log of the open room: recent history from `GET /rooms/:room/messages?since=&limit=`
 * followed by live messages, one row per seq in seq order, data as an expandable JSON tree.
 * Each epoch is one segment; when the room's epoch changes (the room was deleted or its storage
 * recreated) a visible break row says so and numbering starts again below it. The last epoch
 * seen per room is kept in sessionStorage, so a reload also notices a room wiped meanwhile.
 */
import type { DirectMessage, RoomMessage } from "../../src/client";
import { byId, clockTime, el } from "../dom";
import { callApi, roomPath } from "./api";
import { jsonTree } from "./json-tree";

/** Messages loaded on open: the room's last ones up to this many. */
export const HISTORY_LOAD_MESSAGES = 50;
const MAX_LOG_ROWS = 500;
const STICKY_BOTTOM_PX = 40;
const COLUMNS = 5;
const EPOCH_KEY_PREFIX = "roomcast.console.epoch.";
/** Epochs are long random ids; this many characters tell them apart on screen. */
export const EPOCH_PREVIEW_CHARS = 8;

/** One page of history as the API answers it. */
export interface HistoryPage {
  epoch: string;
  seq: number;
  messages: RoomMessage[];
}

export type RowSource = "history" | "live";

function rememberedEpoch(room: string): string | undefined {
  try {
    return sessionStorage.getItem(EPOCH_KEY_PREFIX + room) ?? undefined;
  } catch {
    return undefined; // storage disabled: only changes seen in this page are shown
  }
}

function rememberEpoch(room: string, epoch: string): void {
  try {
    sessionStorage.setItem(EPOCH_KEY_PREFIX + room, epoch);
  } catch {
    // storage disabled: see rememberedEpoch
  }
}

export class MessageLog {
  private readonly body = byId("log-body");
  private readonly scroller = byId("log-scroll");
  private epoch: string | undefined;

  constructor(private readonly room: string) {}

  /**
   * Enters `epoch` (from a welcome or a history page). A change from the epoch this log (or this
   * tab, earlier) last saw adds the break row; returns true when it did.
   */
  enterEpoch(epoch: string): boolean {
    const previous = this.epoch ?? rememberedEpoch(this.room);
    this.epoch = epoch;
    rememberEpoch(this.room, epoch);
    if (previous === undefined || previous === epoch) return false;
    this.addBreak(`epoch changed — history restarted (room storage was deleted or recreated; was ${previous.slice(0, EPOCH_PREVIEW_CHARS)}…, now ${epoch.slice(0, EPOCH_PREVIEW_CHARS)}…)`, "epoch");
    return true;
  }

  /** A full-width row: an epoch break, a gap in continuity, or a note. */
  addBreak(text: string, kind: "epoch" | "gap" | "note"): void {
    const row = el("tr", { class: `break ${kind}`, "data-break": kind }, el("td", { colspan: String(COLUMNS) }, text));
    this.place(row, null);
  }

  /** A room message, placed by seq within the current epoch; a seq already shown is skipped. */
  addMessage(message: RoomMessage, source: RowSource): void {
    const epoch = this.epoch ?? "";
    if (!message.snapshot && this.body.querySelector(`tr[data-epoch="${CSS.escape(epoch)}"][data-seq="${message.seq}"]:not(.snapshot)`)) return;
    const classes = [source, message.snapshot ? "snapshot" : ""].filter(Boolean).join(" ");
    const row = el(
      "tr",
      { class: classes, title: message.snapshot ? "latest of its topic, sent on subscribe" : source === "history" ? "loaded from history" : "live" },
      el("td", { class: "seq" }, String(message.seq)),
      el("td", { class: "topic" }, message.topic ?? ""),
      el("td", { class: "from" }, message.from),
      el("td", { class: "data" }, jsonTree(message.data)),
      el("td", { class: "time" }, clockTime(message.ts)),
    );
    row.dataset.seq = String(message.seq);
    row.dataset.epoch = epoch;
    this.place(row, message.snapshot ? null : message.seq);
  }

  /** A direct message to the console's connection: not sequenced, shown where it arrived. */
  addDirect(direct: DirectMessage): void {
    const row = el(
      "tr",
      { class: "direct", title: "direct message (not sequenced, not stored)" },
      el("td", { class: "seq" }, "→ you"),
      el("td", { class: "topic" }, "direct"),
      el("td", { class: "from" }, direct.from),
      el("td", { class: "data" }, jsonTree(direct.data)),
      el("td", { class: "time" }, clockTime(direct.ts)),
    );
    this.place(row, null);
  }

  /**
   * Inserts `row`: at the end when `seq` is null, else after the last row of this epoch whose seq
   * is lower (history arriving after live rows goes above them). Keeps the view pinned to the
   * bottom when it was there, and at most MAX_LOG_ROWS rows.
   */
  private place(row: HTMLTableRowElement, seq: number | null): void {
    const atBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < STICKY_BOTTOM_PX;
    let after = this.body.lastElementChild as HTMLTableRowElement | null;
    if (seq !== null) {
      while (after && !after.dataset.break && (after.dataset.seq === undefined || after.classList.contains("snapshot") || Number(after.dataset.seq) > seq)) {
        after = after.previousElementSibling as HTMLTableRowElement | null;
      }
    }
    if (after) after.after(row);
    else this.body.prepend(row);
    while (this.body.childElementCount > MAX_LOG_ROWS) this.body.firstElementChild?.remove();
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}

/**
 * Loads the last HISTORY_LOAD_MESSAGES messages up to `upTo` (the welcome's position) into the
 * log; live ones after it come from the socket. Resolves with the page for the status line.
 */
export async function loadHistory(room: string, upTo: { epoch: string; seq: number }, log: MessageLog): Promise<{ page: HistoryPage; since: number }> {
  const since = Math.max(0, upTo.seq - HISTORY_LOAD_MESSAGES);
  const page = await callApi<HistoryPage>("GET", roomPath(room, `/messages?since=${since}&limit=${HISTORY_LOAD_MESSAGES}`));
  log.enterEpoch(page.epoch);
  const sameEpoch = page.epoch === upTo.epoch;
  for (const message of page.messages) if (!sameEpoch || message.seq <= upTo.seq) log.addMessage(message, "history");
  return { page, since };
}

/**
 * @module room-session
 * The console's connection to the open room, through the SDK (roomcast/client, `echo` on so the
 * console's own publishes appear where the room placed them). It feeds the views: state badge,
 * message log (history on the first open and after every epoch change, then live), presence,
 * direct messages, and the error panel (close codes, room error frames). New credentials replace
 * the client; the new one resumes where the old one stopped.
 */
import { RoomClient, type ResumeOutcome, type StateChange } from "../../src/client";
import { CloseCode } from "../../src/shared/close-codes";
import { isValidRoomName } from "../../src/shared/room-name";
import { byId } from "../dom";
import { callApi, roomPath } from "./api";
import { connectionToken } from "./credentials";
import { describeClose, type ErrorPanel } from "./errors";
import { logEvent } from "./events";
import { EPOCH_PREVIEW_CHARS, loadHistory, type MessageLog } from "./history-view";
import type { MembersView } from "./members";
import type { TopicsView } from "./topics";

/** What to do about a close that stops the client for good. */
const STOP_HINTS: Record<number, string> = {
  [CloseCode.unauthorized]: "set a connection token under credentials",
  [CloseCode.forbidden]: "the token does not cover this room",
  [CloseCode.kicked]: "kicked through the HTTP API; reload to connect again",
  [CloseCode.normal]: "closed",
};

export interface SessionViews {
  log: MessageLog;
  members: MembersView;
  topics: TopicsView;
  errors: ErrorPanel;
}

export class RoomSession {
  client: RoomClient | undefined;
  /**
   * How far history was loaded: once per epoch up to the welcome's seq (without a socket, e.g.
   * a 4001 in token mode, up to the room's seq then). A failed load is retried when credentials change.
   */
  private historyLoaded: { epoch: string; seq: number } | undefined;

  constructor(
    readonly room: string,
    private readonly views: SessionViews,
  ) {}

  /** Connects, or explains on the page why it cannot (a bad room name: the API's 400 is shown too). */
  connect(): void {
    const { errors } = this.views;
    if (!isValidRoomName(this.room)) {
      errors.report("room", `"${this.room}" is not a room name (1–128 characters of A-Z a-z 0-9 . _ : -): not connecting`);
      this.setBadge("closed", "bad room name");
      void callApi("GET", roomPath(this.room, "/messages?limit=1")).catch((error: unknown) => errors.reportApi("history", error));
      return;
    }
    const previous = this.client;
    previous?.close();
    const client = new RoomClient({
      url: location.origin,
      room: this.room,
      token: connectionToken(),
      echo: true,
      topics: this.views.topics.topics,
      ...(previous?.position ? { resumeFrom: previous.position } : {}),
    });
    this.client = client;
    this.views.members.attach(client);
    this.views.topics.attach(client);
    client.on("state", (change) => this.onState(client, change));
    client.on("resume", (outcome) => this.onResume(client, outcome));
    client.on("message", (message) => {
      this.views.log.addMessage(message, "live");
      this.showPosition(client);
    });
    client.on("presence", (change) => this.views.members.render(change));
    client.on("direct", (direct) => this.views.log.addDirect(direct));
    client.on("error", (error) => {
      errors.report(`room ${error.code}`, `${error.code}: ${error.message}`, "warn");
      logEvent(`error frame ${error.code}: ${error.message}`, "warn");
    });
  }

  /** Loads history again if it failed (e.g. a 401 before the API key was set). */
  retryHistory(): void {
    if (this.historyLoaded || !isValidRoomName(this.room)) return;
    void this.loadHistory(this.client?.state === "open" ? this.client.position : undefined);
  }

  async deleteRoom(): Promise<string> {
    const result = await callApi<{ deleted: string; epoch?: string }>("DELETE", roomPath(this.room));
    const epoch = result.epoch ? ` (new epoch ${result.epoch.slice(0, EPOCH_PREVIEW_CHARS)}…)` : "";
    return `deleted ${result.deleted}${epoch}: its sockets closed with 1001 and reconnect into the new epoch`;
  }

  private onState(client: RoomClient, change: StateChange): void {
    if (client !== this.client) return; // a replaced client's last words
    const { errors } = this.views;
    const closeText = change.code === undefined ? "" : describeClose(change.code, change.reason);
    this.setBadge(change.state, closeText);
    logEvent(`${change.state}${closeText ? ` after ${closeText}` : ""}${change.delayMs === undefined ? "" : `, retry in ${change.delayMs} ms`}${change.connectionId ? ` as ${change.connectionId}` : ""}`, change.state === "closed" ? "error" : change.state === "reconnecting" ? "warn" : "info");
    byId("connection-id").textContent = client.connectionId ?? "–";
    if (change.state === "open") {
      errors.clear("socket");
      const position = client.position;
      const loaded = this.historyLoaded;
      if (position && (!loaded || loaded.epoch !== position.epoch || loaded.seq < position.seq)) {
        this.views.log.enterEpoch(position.epoch);
        void this.loadHistory(position);
      }
      this.showPosition(client);
    } else if (change.state === "reconnecting") {
      errors.report("socket", `socket closed ${describeClose(change.code, change.reason)}; reconnecting in ${change.delayMs} ms (attempt ${change.attempt})`, "warn");
    } else if (change.state === "closed") {
      const hint = change.code === undefined ? undefined : STOP_HINTS[change.code];
      errors.report("socket", `socket closed ${describeClose(change.code, change.reason)}${hint ? ` (${hint})` : ""}; not reconnecting`);
      // The HTTP API may still be open to this console (an API key without a token): show history anyway.
      if (!this.historyLoaded) void this.loadHistory(undefined);
    }
  }

  private onResume(client: RoomClient, outcome: ResumeOutcome): void {
    if (client !== this.client) return;
    const position = client.position;
    logEvent(
      outcome.recovered ? `resumed after seq ${outcome.lastSeq}` : `not recovered: room at seq ${outcome.roomSeq}${outcome.epochChanged ? " in a new epoch" : ""}`,
      outcome.recovered ? "info" : "warn",
    );
    if (outcome.epochChanged && position) {
      this.views.log.enterEpoch(position.epoch);
      void this.loadHistory(position);
    } else if (!outcome.recovered) {
      this.views.log.addBreak(`gap: messages after seq ${outcome.lastSeq} up to ${outcome.roomSeq} were not replayed (outside the history window)`, "gap");
    }
  }

  /** Loads history up to `position` (a welcome's), or up to the room's seq now when there is none. */
  private async loadHistory(position: { epoch: string; seq: number } | undefined): Promise<void> {
    const status = byId("history-status");
    status.textContent = "loading history…";
    try {
      // `limit=0`: no messages, only the room's epoch and seq.
      const upTo = position ?? (await callApi<{ epoch: string; seq: number }>("GET", roomPath(this.room, "/messages?limit=0")));
      const { page, since } = await loadHistory(this.room, upTo, this.views.log);
      this.historyLoaded = { epoch: upTo.epoch, seq: upTo.seq };
      this.views.errors.clear("history");
      const count = page.messages.length;
      const where = `history of epoch ${upTo.epoch.slice(0, EPOCH_PREVIEW_CHARS)}…`;
      status.textContent = count === 0 ? `${where}: no earlier messages` : `${where}: ${count} message${count === 1 ? "" : "s"} after seq ${since}${since > 0 ? " (older ones not loaded)" : ""}`;
    } catch (error) {
      this.views.errors.reportApi("history", error);
      status.textContent = "history not loaded: see the error above";
    }
  }

  private setBadge(state: string, detail: string): void {
    const badge = byId("state");
    badge.textContent = detail ? `${state} (${detail})` : state;
    badge.className = `badge ${state}`;
  }

  private showPosition(client: RoomClient): void {
    const position = client.position;
    byId("position").textContent = position ? `epoch ${position.epoch.slice(0, EPOCH_PREVIEW_CHARS)}… · seq ${position.seq}` : "–";
  }
}

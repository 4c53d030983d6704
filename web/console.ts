/**
 * @module console
 * The web console at `/?room=NAME` (Console v2): the live-room directory, the open room's
 * history and live log with epoch breaks, members with kick and direct message, topic filters,
 * connection token and API key inputs, connections and messages/s charts from room info, and an
 * error panel where every failure is shown. Each part lives in web/console/; this file wires them.
 */
import { byId, parseTyped, queryParam } from "./dom";
import { adoptTokenFromUrl, mountCredentials } from "./console/credentials";
import { describeApiError, ErrorPanel } from "./console/errors";
import { logEvent } from "./console/events";
import { MessageLog } from "./console/history-view";
import { MembersView } from "./console/members";
import { RoomInfoView } from "./console/room-info";
import { RoomListView } from "./console/room-list";
import { RoomSession } from "./console/room-session";
import { TopicsView } from "./console/topics";

const DEFAULT_ROOM = "lobby";

function mountSendForm(session: RoomSession): void {
  byId<HTMLFormElement>("send-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const client = session.client;
    const status = byId("send-status");
    if (!client) {
      status.textContent = "not connected";
      return;
    }
    const dataInput = byId<HTMLTextAreaElement>("send-data");
    const topic = byId<HTMLInputElement>("send-topic").value.trim();
    status.textContent = client.state === "open" ? "sending…" : `queued (${client.state})`;
    client.publish(parseTyped(dataInput.value), topic ? { topic } : {}).then(
      (seq) => (status.textContent = `acked as seq ${seq}`),
      (error: Error) => (status.textContent = `not sent: ${error.message}`),
    );
    dataInput.value = "";
    dataInput.focus();
  });
}

function mountDeleteRoom(session: RoomSession, errors: ErrorPanel, info: RoomInfoView): void {
  byId<HTMLButtonElement>("delete-room").addEventListener("click", () => {
    if (!confirm(`Delete room "${session.room}"? Every socket is closed and its history is wiped.`)) return;
    const status = byId("room-actions-status");
    status.textContent = "deleting…";
    session.deleteRoom().then(
      (text) => {
        status.textContent = text;
        logEvent(text, "warn");
        void info.refresh();
        errors.clear("delete");
      },
      (error: unknown) => {
        status.textContent = "delete failed";
        errors.report("delete", describeApiError(error));
      },
    );
  });
}

function start(): void {
  adoptTokenFromUrl();
  const room = queryParam("room", DEFAULT_ROOM);
  document.title = `roomcast · ${room}`;
  byId<HTMLInputElement>("room-input").value = room;
  byId("room-name").textContent = room;

  const errors = new ErrorPanel();
  // Uncaught failures reach the page too, not only devtools.
  addEventListener("error", (event) => errors.report("page", event.message));
  addEventListener("unhandledrejection", (event) => errors.report("page", describeApiError(event.reason)));

  const topics = new TopicsView(errors);
  const session = new RoomSession(room, { log: new MessageLog(room), members: new MembersView(room, errors), topics, errors });
  const info = new RoomInfoView(room, errors);
  const rooms = new RoomListView(room, errors);
  mountCredentials((changed) => {
    if (changed.token) session.connect();
    if (changed.apiKey) {
      void info.refresh();
      void rooms.load();
      session.retryHistory();
    }
  });
  mountSendForm(session);
  mountDeleteRoom(session, errors, info);
  session.connect();
  info.start();
  rooms.start();
  // For scripts and tests driving the page (the client of the moment).
  (globalThis as { roomcast?: unknown }).roomcast = { session };
}

start();

/**
 * @module members
 * The presence list (from the v1 welcome and presence frames, through the SDK) with an action per
 * member: kick (`DELETE /rooms/:room/connections/:id`, the socket closes 4009) and direct message
 * (a v1 `direct` frame from the console's own connection). Also the console's own presence state.
 * While the room only counts (over its list size) the count is shown instead of a list.
 */
import type { Member, PresenceChange, RoomClient } from "../../src/client";
import { byId, el, parseTyped, preview } from "../dom";
import { callApi, roomPath } from "./api";
import type { ErrorPanel } from "./errors";
import { logEvent } from "./events";

const STATE_PREVIEW_CHARS = 120;

export class MembersView {
  private readonly list = byId<HTMLUListElement>("members");
  private readonly directTo = byId<HTMLSelectElement>("direct-to");
  private readonly status = byId("members-status");
  private client: RoomClient | undefined;

  constructor(
    private readonly room: string,
    private readonly errors: ErrorPanel,
  ) {
    byId<HTMLFormElement>("direct-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendDirect();
    });
    byId<HTMLFormElement>("presence-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.client?.setPresence(parseTyped(byId<HTMLInputElement>("presence-state").value));
    });
  }

  /** The connection the actions go through (replaced when credentials change). */
  attach(client: RoomClient): void {
    this.client = client;
  }

  render(change: PresenceChange): void {
    const self = this.client?.connectionId;
    byId("member-count").textContent = change.mode === "counts" ? `${change.memberCount}, counted` : String(change.memberCount);
    if (change.mode === "counts") {
      this.list.replaceChildren(el("li", { class: "muted" }, `the room is over its presence list size: ${change.memberCount} connections${change.userCount === undefined ? "" : `, ${change.userCount} users`}`));
    } else {
      this.list.replaceChildren(...change.members.map((member) => this.row(member, member.connectionId === self)));
    }
    const selected = this.directTo.value;
    const others = change.members.filter((member) => member.connectionId !== self);
    this.directTo.replaceChildren(
      el("option", { value: "" }, others.length ? "choose a member" : "no other members"),
      ...others.map((member) => el("option", { value: member.connectionId }, label(member))),
    );
    if (others.some((member) => member.connectionId === selected)) this.directTo.value = selected;
  }

  private row(member: Member, isSelf: boolean): HTMLLIElement {
    const kick = el("button", { type: "button", class: "small danger", "aria-label": `kick ${member.connectionId}` }, "kick");
    kick.addEventListener("click", () => void this.kick(member.connectionId));
    const direct = el("button", { type: "button", class: "small", "aria-label": `direct message ${member.connectionId}` }, "message");
    direct.addEventListener("click", () => {
      this.directTo.value = member.connectionId;
      byId<HTMLInputElement>("direct-data").focus();
    });
    const row = el(
      "li",
      { class: isSelf ? "self" : "", "data-connection-id": member.connectionId },
      el("code", {}, member.connectionId),
      member.userId ? el("span", { class: "user" }, ` ${member.userId}`) : undefined,
      member.state === undefined ? undefined : el("span", { class: "member-state" }, ` ${preview(member.state, STATE_PREVIEW_CHARS)}`),
      el("span", { class: "actions" }, isSelf ? undefined : direct, kick),
    );
    return row;
  }

  private async kick(connectionId: string): Promise<void> {
    this.status.textContent = `kicking ${connectionId}…`;
    try {
      await callApi("DELETE", roomPath(this.room, `/connections/${encodeURIComponent(connectionId)}`));
      this.status.textContent = `kicked ${connectionId} (its socket closes with 4009)`;
      logEvent(`kicked ${connectionId}`);
      this.errors.clear("kick");
    } catch (error) {
      this.status.textContent = `kick failed`;
      this.errors.reportApi("kick", error);
    }
  }

  private sendDirect(): void {
    const to = this.directTo.value;
    const input = byId<HTMLInputElement>("direct-data");
    if (!to) {
      this.status.textContent = "choose a member to message";
      return;
    }
    const sent = this.client?.direct(to, parseTyped(input.value)) ?? false;
    this.status.textContent = sent ? `direct message sent to ${to}` : "not sent: the console is not connected";
    if (sent) {
      input.value = "";
      logEvent(`direct message sent to ${to}`);
    }
  }
}

function label(member: Member): string {
  return member.userId ? `${member.connectionId} (${member.userId})` : member.connectionId;
}

/**
 * @module topics
 * Topic filters of the console's connection: subscribe / unsubscribe through the SDK (v1
 * `subscribe` / `unsubscribe` frames). No filter: every message; with filters only matching ones
 * (exact, or a prefix ending in `*`), and the room sends the latest message of each newly
 * matching topic as a snapshot. The set survives a reconnect with new credentials.
 */
import type { RoomClient } from "../../src/client";
import { byId, el } from "../dom";
import type { ErrorPanel } from "./errors";

export class TopicsView {
  private readonly filters = new Set<string>();
  private readonly input = byId<HTMLInputElement>("topic-input");
  private client: RoomClient | undefined;

  constructor(private readonly errors: ErrorPanel) {
    byId<HTMLFormElement>("topics-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
      this.change(submitter?.value === "unsubscribe" ? "unsubscribe" : "subscribe", this.typed());
    });
    this.render();
  }

  /** The filters a new connection starts with. */
  get topics(): string[] {
    return [...this.filters];
  }

  attach(client: RoomClient): void {
    this.client = client;
  }

  private typed(): string[] {
    return this.input.value
      .split(",")
      .map((topic) => topic.trim())
      .filter(Boolean);
  }

  private change(action: "subscribe" | "unsubscribe", topics: string[]): void {
    if (topics.length === 0 || !this.client) return;
    try {
      if (action === "subscribe") {
        this.client.subscribe(topics);
        topics.forEach((topic) => this.filters.add(topic));
      } else {
        this.client.unsubscribe(topics);
        topics.forEach((topic) => this.filters.delete(topic));
      }
      this.errors.clear("topics");
      this.input.value = "";
    } catch (error) {
      // The SDK refuses a topic the room would answer with 1007 (empty, too long…): shown, not sent.
      this.errors.report("topics", `${action} refused: ${(error as Error).message}`);
    }
    this.render();
  }

  private render(): void {
    const list = byId("topic-filters");
    if (this.filters.size === 0) {
      list.replaceChildren(el("li", { class: "muted" }, "no filters: every message"));
      return;
    }
    list.replaceChildren(
      ...[...this.filters].map((topic) => {
        const remove = el("button", { type: "button", class: "small", "aria-label": `unsubscribe ${topic}` }, "×");
        remove.addEventListener("click", () => this.change("unsubscribe", [topic]));
        return el("li", { "data-topic": topic }, el("code", {}, topic), " ", remove);
      }),
    );
  }
}

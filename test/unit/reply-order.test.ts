/**
 * @module reply-order.test
 * The room's reply order (src/room/reply-order.ts) without a runtime: places run in the order
 * they were taken, whatever order their answers come in; what a place creates while it runs
 * goes before everything queued after it.
 */
import { describe, expect, it, vi } from "vitest";
import { ReplyOrder } from "../../src/room/reply-order";

describe("ReplyOrder", () => {
  it("runs a reply at once when nothing is held", () => {
    const order = new ReplyOrder();
    const ran: string[] = [];
    order.after(() => ran.push("pong"));
    expect(ran).toEqual(["pong"]);
  });

  it("keeps replies behind held places, and runs places in order whatever order they are filled in", () => {
    const order = new ReplyOrder();
    const ran: string[] = [];
    const first = order.hold();
    const second = order.hold();
    order.after(() => ran.push("pong"));
    const third = order.hold();
    second.fill(() => ran.push("ack 2"));
    expect(ran).toEqual([]);
    first.fill(() => ran.push("ack 1"));
    expect(ran).toEqual(["ack 1", "ack 2", "pong"]);
    order.after(() => ran.push("late"));
    third.fill(() => ran.push("ack 3"));
    expect(ran).toEqual(["ack 1", "ack 2", "pong", "ack 3", "late"]);
  });

  it("puts what a running place creates right after it, before places queued later", () => {
    const order = new ReplyOrder();
    const ran: string[] = [];
    const publish = order.hold();
    let snapshots: ReturnType<ReplyOrder["hold"]> | undefined;
    order.after(() => {
      ran.push("subscribe handled");
      snapshots = order.hold();
      order.after(() => ran.push("subscribe's error"));
    });
    order.after(() => ran.push("pong"));
    publish.fill(() => ran.push("ack"));
    expect(ran).toEqual(["ack", "subscribe handled"]);
    snapshots!.fill(() => ran.push("snapshots"));
    expect(ran).toEqual(["ack", "subscribe handled", "snapshots", "subscribe's error", "pong"]);
  });

  it("runs a nested reply at once when nothing was held before it", () => {
    const order = new ReplyOrder();
    const ran: string[] = [];
    const publish = order.hold();
    order.after(() => {
      ran.push("frame");
      order.after(() => ran.push("its reply"));
      ran.push("frame done");
    });
    publish.fill(() => ran.push("ack"));
    expect(ran).toEqual(["ack", "frame", "its reply", "frame done"]);
  });

  it("goes on after a place that throws (and logs it)", () => {
    const order = new ReplyOrder();
    const ran: string[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const publish = order.hold();
    order.after(() => {
      throw new Error("boom");
    });
    order.after(() => ran.push("next"));
    publish.fill(() => ran.push("ack"));
    expect(ran).toEqual(["ack", "next"]);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });

  it("keeps order over many places (the array is compacted as it drains)", () => {
    const order = new ReplyOrder();
    const ran: number[] = [];
    const slots = Array.from({ length: 5_000 }, () => order.hold());
    for (let i = slots.length - 1; i >= 0; i--) if (i % 2) slots[i]!.fill(() => ran.push(i));
    for (let i = 0; i < slots.length; i += 2) slots[i]!.fill(() => ran.push(i));
    expect(ran).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    order.after(() => ran.push(-1));
    expect(ran.at(-1)).toBe(-1);
  });
});

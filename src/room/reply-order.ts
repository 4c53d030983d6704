/**
 * @module reply-order
 * The room's ordering rule for what it sends in answer to what it received: everything runs in
 * arrival order. A publish holds a place until its group is durable (then it is delivered and
 * acked there); a frame answered from elsewhere (a shard asking its primary for snapshots or a
 * direct route) holds one until the answer comes; every other reply, close or frame handling
 * waits behind the places held before it. So a pong never overtakes an earlier ack, delivery
 * or snapshot, and a subscribe takes effect exactly between the messages published before and
 * after it. Nothing here uses a timer: an idle room holds nothing and may hibernate.
 */
import { log } from "../log";

/** One place in the order: runs once filled and every earlier place has run. */
export class Slot {
  /** @internal */ run: (() => void) | undefined;

  constructor(private readonly order: ReplyOrder) {}

  /** Gives the place its work; it runs now if every earlier place has run. */
  fill(run: () => void): void {
    this.run = run;
    this.order.drain();
  }
}

/** Drained places are dropped from the array once this many have piled up at its head. */
const COMPACT_AFTER_PLACES = 1_024;

export class ReplyOrder {
  /** Places in order; those before `head` have run. */
  private queue: Slot[] = [];
  private head = 0;
  private draining = false;
  /** While a place runs: where the places it creates go (before any later one), else undefined. */
  private insertAt: number | undefined;

  /** Reserves the next place; fill it when its work is known. */
  hold(): Slot {
    const slot = new Slot(this);
    this.insert(slot);
    return slot;
  }

  /** Runs `run` now when nothing is held before it, else in its place. */
  after(run: () => void): void {
    if (this.insertAt === undefined ? this.head === this.queue.length : this.insertAt === this.head) {
      this.runGuarded(run);
      return;
    }
    const slot = new Slot(this);
    slot.run = run;
    this.insert(slot);
  }

  /** @internal Runs filled places from the head until one is still waiting. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.head < this.queue.length && this.queue[this.head]!.run !== undefined) {
        const { run } = this.queue[this.head++]!;
        // Places created by this one belong right here, before everything already queued.
        this.insertAt = this.head;
        this.runGuarded(run!);
        this.insertAt = undefined;
      }
    } finally {
      this.draining = false;
      this.insertAt = undefined;
      this.compact();
    }
  }

  private insert(slot: Slot): void {
    if (this.insertAt === undefined) this.queue.push(slot);
    else this.queue.splice(this.insertAt++, 0, slot);
  }

  /** Drops the places that ran (an array shift per place would cost O(n) each). */
  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER_PLACES) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private runGuarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      // One failed reply must not stall every later one; callers guard what must close a socket.
      log("error", { where: "ReplyOrder.run", reason: "reply failed", error });
    }
  }
}

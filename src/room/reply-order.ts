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

export class ReplyOrder {
  private readonly queue: Slot[] = [];
  private draining = false;
  /** While a place runs: where the places it creates go (before any later one), else undefined. */
  private insertAt: number | undefined;

  /** Whether anything is waiting: a reply now would have to queue. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** Reserves the next place; fill it when its work is known. */
  hold(): Slot {
    const slot = new Slot(this);
    this.insert(slot);
    return slot;
  }

  /** Runs `run` now when nothing is held before it, else in its place. */
  after(run: () => void): void {
    if (this.insertAt === undefined ? this.queue.length === 0 : this.insertAt === 0) {
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
      while (this.queue[0]?.run !== undefined) {
        const { run } = this.queue.shift()!;
        // Places created by this one belong right here, before everything already queued.
        this.insertAt = 0;
        this.runGuarded(run!);
        this.insertAt = undefined;
      }
    } finally {
      this.draining = false;
      this.insertAt = undefined;
    }
  }

  private insert(slot: Slot): void {
    if (this.insertAt === undefined) this.queue.push(slot);
    else this.queue.splice(this.insertAt++, 0, slot);
  }

  private runGuarded(run: () => void): void {
    try {
      run();
    } catch (error) {
      // One failed reply must not stall every later one; callers guard what must close a socket.
      log("error", { reason: "reply failed", errorName: (error as Error)?.name });
    }
  }
}

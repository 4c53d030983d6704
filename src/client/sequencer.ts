/**
 * @module sequencer
 * Exactly-once, in-order delivery across reconnects (docs/protocol.md §3 "Sequencing", "Resume"): remembers
 * the room's epoch and the last delivered seq, hands them to the next connection as
 * `?since=&epoch=`, and drops any live message at or below the last delivered seq of the same
 * epoch (a replay overlapping what already arrived, or a frame from a link being replaced).
 */
import type { ResumeOutcome } from "./events";
import type { MessageFrame } from "../shared/protocol";

export interface WelcomeFacts {
  epoch: string;
  seq: number;
  recovered?: boolean;
  missed?: number;
}

export class Sequencer {
  private epochValue: string | undefined;
  private lastDelivered = 0;
  /** Live messages dropped because their seq was already delivered. */
  duplicatesDropped = 0;

  get epoch(): string | undefined {
    return this.epochValue;
  }

  get lastSeq(): number {
    return this.lastDelivered;
  }

  /** Query parameters for the next connection: resume when a room has been seen. */
  resumeParams(): { since: number; epoch: string } | undefined {
    return this.epochValue === undefined ? undefined : { since: this.lastDelivered, epoch: this.epochValue };
  }

  /** Starts from a position the app saved (e.g. across a page reload). */
  restore(epoch: string, seq: number): void {
    this.epochValue = epoch;
    this.lastDelivered = seq;
  }

  /**
   * Takes a connection's welcome. Returns how the resume went, or undefined on a first
   * connection (nothing was asked of the room).
   */
  onWelcome(welcome: WelcomeFacts): ResumeOutcome | undefined {
    const previousEpoch = this.epochValue;
    const lastSeq = this.lastDelivered;
    if (previousEpoch === undefined) {
      // First connection: live messages start after the room's current seq.
      this.epochValue = welcome.epoch;
      this.lastDelivered = welcome.seq;
      return undefined;
    }
    const missed = welcome.missed === undefined ? {} : { missed: welcome.missed };
    if (welcome.epoch !== previousEpoch) {
      // A new epoch resets the numbering: seq values of the old one mean nothing any more.
      this.epochValue = welcome.epoch;
      this.lastDelivered = welcome.seq;
      return { recovered: false, epochChanged: true, lastSeq, roomSeq: welcome.seq, ...missed };
    }
    if (welcome.recovered === true) return { recovered: true, epochChanged: false, lastSeq, roomSeq: welcome.seq, ...missed };
    // Not recovered (outside the history window, or a room that cannot resume): what lies between
    // lastSeq and welcome.seq will not come; live messages continue after welcome.seq.
    this.lastDelivered = Math.max(lastSeq, welcome.seq);
    return { recovered: false, epochChanged: false, lastSeq, roomSeq: welcome.seq, ...missed };
  }

  /** True when the app should see `message`. Snapshots always pass and never move the seq. */
  accept(message: MessageFrame): boolean {
    if (message.snapshot) return true;
    if (message.seq <= this.lastDelivered) {
      this.duplicatesDropped++;
      return false;
    }
    this.lastDelivered = message.seq;
    return true;
  }
}

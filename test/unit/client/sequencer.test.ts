/**
 * @module sequencer.test
 * Exactly-once, in-order delivery bookkeeping: resume parameters, dedupe by seq within an epoch,
 * epoch resets, recovered:false, and snapshots that never disturb the live seq.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Sequencer } from "../../../src/client/sequencer";
import type { MessageFrame } from "../../../src/shared/protocol";

const message = (seq: number, snapshot = false): MessageFrame => ({ type: "message", seq, from: "api", data: seq, ts: 0, ...(snapshot ? { snapshot } : {}) });

describe("Sequencer", () => {
  it("asks for no resume before the first welcome, then resumes from the last delivered seq", () => {
    const sequencer = new Sequencer();
    expect(sequencer.resumeParams()).toBeUndefined();
    expect(sequencer.onWelcome({ epoch: "e1", seq: 5 })).toBeUndefined();
    expect(sequencer.accept(message(6))).toBe(true);
    expect(sequencer.resumeParams()).toEqual({ since: 6, epoch: "e1" });
  });

  it("drops a replayed seq at or below the last delivered one", () => {
    const sequencer = new Sequencer();
    sequencer.onWelcome({ epoch: "e1", seq: 0 });
    expect([1, 2, 2, 1, 3].map((seq) => sequencer.accept(message(seq)))).toEqual([true, true, false, false, true]);
    expect(sequencer.duplicatesDropped).toBe(2);
  });

  it("delivers any interleaving of replays once each, in seq order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 200 }), (seqs) => {
        const sequencer = new Sequencer();
        sequencer.onWelcome({ epoch: "e", seq: 0 });
        const delivered = seqs.filter((seq) => sequencer.accept(message(seq)));
        expect(new Set(delivered).size).toBe(delivered.length);
        expect([...delivered].sort((a, b) => a - b)).toEqual(delivered);
      }),
    );
  });

  it("reports a recovered resume and keeps its position", () => {
    const sequencer = new Sequencer();
    sequencer.onWelcome({ epoch: "e1", seq: 3 });
    expect(sequencer.onWelcome({ epoch: "e1", seq: 9, recovered: true, missed: 6 })).toEqual({ recovered: true, epochChanged: false, lastSeq: 3, roomSeq: 9, missed: 6 });
    expect(sequencer.accept(message(4))).toBe(true);
  });

  it("skips to the room's seq when it says recovered:false (or says nothing) in the same epoch", () => {
    const sequencer = new Sequencer();
    sequencer.onWelcome({ epoch: "e1", seq: 3 });
    expect(sequencer.onWelcome({ epoch: "e1", seq: 9 })).toMatchObject({ recovered: false, epochChanged: false, lastSeq: 3, roomSeq: 9 });
    expect(sequencer.accept(message(9))).toBe(false);
    expect(sequencer.accept(message(10))).toBe(true);
  });

  it("resets on a new epoch: low seqs of the new epoch are delivered", () => {
    const sequencer = new Sequencer();
    sequencer.onWelcome({ epoch: "e1", seq: 100 });
    expect(sequencer.onWelcome({ epoch: "e2", seq: 0, recovered: false })).toMatchObject({ recovered: false, epochChanged: true, lastSeq: 100 });
    expect(sequencer.accept(message(1))).toBe(true);
    expect(sequencer.resumeParams()).toEqual({ since: 1, epoch: "e2" });
  });

  it("passes snapshots with old seqs without moving the live position", () => {
    const sequencer = new Sequencer();
    sequencer.onWelcome({ epoch: "e1", seq: 10 });
    expect(sequencer.accept(message(4, true))).toBe(true);
    expect(sequencer.accept(message(11))).toBe(true);
    expect(sequencer.accept(message(7, true))).toBe(true);
    expect(sequencer.lastSeq).toBe(11);
  });
});

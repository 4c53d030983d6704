/**
 * @module socket-tally.test
 * The running count of open sockets and distinct users (src/room/socket-tally.ts) that a
 * counting room's welcome reads: tabs of one user are one user, anonymous sockets count as
 * connections only, and each socket is counted and uncounted at most once.
 */
import { describe, expect, it } from "vitest";
import { SocketTally } from "../../../src/room/socket-tally";
import type { SocketState } from "../../../src/room/socket-state";
import { socketWith, stateOf, type TestSocket } from "./fake-room";

function socket(userId: string | undefined): { ws: TestSocket; state: SocketState } {
  const state = stateOf({ userId });
  return { ws: socketWith(state), state };
}

describe("SocketTally", () => {
  it("counts tabs of one user as one user and anonymous sockets as connections only", () => {
    const tally = new SocketTally();
    const alice1 = socket("alice");
    const alice2 = socket("alice");
    const anonymous = socket(undefined);
    for (const socket of [alice1, alice2, anonymous]) tally.add(socket.ws, socket.state);
    expect([tally.connections, tally.users]).toEqual([3, 1]);
    tally.remove(alice1.ws, alice1.state);
    expect([tally.connections, tally.users]).toEqual([2, 1]);
    tally.remove(alice2.ws, alice2.state);
    expect([tally.connections, tally.users]).toEqual([1, 0]);
  });

  it("counts a socket once however often it is added, and uncounts it once", () => {
    const tally = new SocketTally();
    const bob = socket("bob");
    tally.add(bob.ws, bob.state);
    tally.add(bob.ws, bob.state);
    expect([tally.connections, tally.users]).toEqual([1, 1]);
    tally.remove(bob.ws, bob.state);
    tally.remove(bob.ws, bob.state);
    expect([tally.connections, tally.users]).toEqual([0, 0]);
  });

  it("ignores the departure of a socket it never counted (closing when the tally was built)", () => {
    const tally = new SocketTally();
    const counted = socket("carol");
    const closing = socket("carol");
    tally.add(counted.ws, counted.state);
    tally.remove(closing.ws, closing.state);
    expect([tally.connections, tally.users]).toEqual([1, 1]);
  });
});

/**
 * @module server-sdk-types.test
 * `roomcast/server` declares `RoomInfo` itself (its declarations cannot pull in the room's
 * Workers-only modules); this file, type-checked against the Workers types like src/room, stops
 * compiling when the SDK's shape and the room's `info()` answer drift apart.
 */
import { describe, expect, it } from "vitest";
import type { RoomInfo as RoomSide } from "../../../src/room/room-role";
import type { RoomInfo as SdkSide } from "../../../src/server";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<RoomSide, SdkSide> = true;

describe("roomcast/server types", () => {
  it("RoomInfo is the room's info() answer, field for field", () => {
    expect(sameShape).toBe(true);
  });
});

/**
 * @module directory-walk.test
 * `allRoomNames` (POST /admin/drain's walk over the directory): every page is read, each asked
 * after the previous page's last room, and the walk ends on the last page.
 */
import { describe, expect, it } from "vitest";
import { allRoomNames, type RoomPage } from "../../../src/operations/directory-walk";

/** A directory of `names` (sorted) served `pageSize` at a time, recording each `after` asked. */
function pagedDirectory(names: string[], pageSize: number) {
  const asked: Array<string | undefined> = [];
  const listPage = async (after: string | undefined): Promise<RoomPage> => {
    asked.push(after);
    const rest = names.filter((name) => after === undefined || name > after);
    return { rooms: rest.slice(0, pageSize).map((room) => ({ room })), more: rest.length > pageSize };
  };
  return { asked, listPage };
}

describe("allRoomNames", () => {
  it("reads every page, each after the previous page's last room", async () => {
    const names = Array.from({ length: 2_501 }, (_, i) => `room-${String(i).padStart(5, "0")}`);
    const directory = pagedDirectory(names, 1_000);
    expect(await allRoomNames(directory.listPage)).toEqual(names);
    expect(directory.asked).toEqual([undefined, "room-00999", "room-01999"]);
  });

  it("asks once when everything fits one page, also when it is exactly full", async () => {
    for (const count of [0, 3, 1_000]) {
      const names = Array.from({ length: count }, (_, i) => `r-${String(i).padStart(4, "0")}`);
      const directory = pagedDirectory(names, 1_000);
      expect(await allRoomNames(directory.listPage)).toEqual(names);
      expect(directory.asked).toEqual([undefined]);
    }
  });

  it("stops at an empty page that claims more follow, instead of asking it again forever", async () => {
    let calls = 0;
    const names = await allRoomNames(async () => {
      calls++;
      return { rooms: [], more: true };
    });
    expect(names).toEqual([]);
    expect(calls).toBe(1);
  });
});

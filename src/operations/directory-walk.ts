/**
 * @module directory-walk
 * Every room of a paged listing (the live-room directory's `listLiveRooms`), page after page
 * from the start: for `POST /admin/drain`, which must reach every matching room, not the first
 * page's. Runtime-free (unit-tested with a plain page source).
 */

export interface RoomPage {
  rooms: ReadonlyArray<{ room: string }>;
  /** More rooms follow the last one of this page. */
  more: boolean;
}

/** The names of every room `listPage` gives, asking for each page after the previous page's last room. */
export async function allRoomNames(listPage: (after: string | undefined) => Promise<RoomPage>): Promise<string[]> {
  const names: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await listPage(after);
    for (const entry of page.rooms) names.push(entry.room);
    const last = page.rooms[page.rooms.length - 1]?.room;
    // A page that says "more" but is empty would ask the same page forever: stop there.
    if (!page.more || last === undefined) return names;
    after = last;
  }
}

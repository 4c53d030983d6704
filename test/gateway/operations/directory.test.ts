/**
 * @module directory.test
 * `GET /rooms` (docs/operations.md): the D1 directory fed by the occupancy queue lists exactly the
 * occupied rooms with their counts, filters by prefix, pages with a cursor, drops a room once it
 * is vacated, and answers 401/403/400 as the other admin routes do (token mode: API key or admin
 * token; an admin token lists only the rooms its `rooms` patterns cover).
 */
import { afterAll, describe, expect, it } from "vitest";
import { connect, type TestClient } from "../../helpers/clients";
import { API_KEY, mintToken, tokenModeVars } from "../../helpers/tokens";
import { useGateway } from "../../helpers/use-gateway";

interface Listing {
  rooms: Array<{ room: string; connections: number; users: number; since: number; updated: number }>;
  cursor: string | null;
}

const ROOMS = ["dir-a-1", "dir-a-2", "dir-a-3", "dir-b-1"];
const clients: TestClient[] = [];

afterAll(() => clients.forEach((client) => client.close()));

describe("GET /rooms", () => {
  const gateway = useGateway({ ...tokenModeVars, OCCUPANCY_CHECK_SECONDS: 2 });

  const list = async (query = "", bearer: string | null = API_KEY) =>
    fetch(`${gateway.httpUrl}/rooms${query}`, { headers: bearer === null ? {} : { Authorization: `Bearer ${bearer}` } });
  const listed = async (query = "", bearer: string | null = API_KEY): Promise<Listing> => {
    const response = await list(query, bearer);
    expect(response.status).toBe(200);
    return response.json();
  };
  const join = async (room: string, user: string) => {
    const token = await mintToken({ sub: user, rooms: [room] });
    clients.push(await connect(`${gateway.wsUrl}/rooms/${room}?token=${token}`));
  };
  const namesOf = (listing: Listing) => listing.rooms.map((entry) => entry.room);

  it("lists exactly the occupied rooms with their counts, by prefix and page", async () => {
    const before = Date.now();
    for (const room of ROOMS) await join(room, "ann");
    await join("dir-a-2", "ann");
    await join("dir-a-2", "ben");
    let all: Listing = { rooms: [], cursor: null };
    const deadline = Date.now() + 20_000;
    for (;;) {
      all = await listed("?prefix=dir-");
      const a2 = all.rooms.find((entry) => entry.room === "dir-a-2");
      if (namesOf(all).length === ROOMS.length && a2?.connections === 3) break;
      if (Date.now() > deadline) throw new Error(`directory did not converge: ${JSON.stringify(all)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(namesOf(all)).toEqual(ROOMS);
    expect(all.cursor).toBeNull();
    expect(all.rooms.find((entry) => entry.room === "dir-a-2")).toMatchObject({ connections: 3, users: 2 });
    expect(all.rooms.find((entry) => entry.room === "dir-b-1")).toMatchObject({ connections: 1, users: 1 });
    for (const entry of all.rooms) {
      expect(entry.since).toBeGreaterThanOrEqual(before - 1000);
      expect(entry.updated).toBeGreaterThanOrEqual(entry.since);
    }

    expect(namesOf(await listed("?prefix=dir-a-"))).toEqual(["dir-a-1", "dir-a-2", "dir-a-3"]);
    expect(namesOf(await listed("?prefix=dir-zzz"))).toEqual([]);

    const first = await listed("?prefix=dir-&limit=3");
    expect(namesOf(first)).toEqual(ROOMS.slice(0, 3));
    expect(typeof first.cursor).toBe("string");
    const second = await listed(`?prefix=dir-&limit=3&cursor=${first.cursor}`);
    expect(namesOf(second)).toEqual(ROOMS.slice(3));
    expect(second.cursor).toBeNull();
    const exact = await listed("?prefix=dir-&limit=4");
    expect(exact.cursor).toBeNull();
  });

  it("drops a room once its last connection is gone", async () => {
    const leaving = clients.splice(0, 1)[0]!; // dir-a-1's only connection
    leaving.close(1000);
    const deadline = Date.now() + 20_000;
    let names: string[] = [];
    for (;;) {
      names = namesOf(await listed("?prefix=dir-"));
      if (!names.includes("dir-a-1")) break;
      if (Date.now() > deadline) throw new Error(`dir-a-1 still listed: ${names}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(names).toEqual(["dir-a-2", "dir-a-3", "dir-b-1"]);
  });

  it("lists for an admin token only the rooms its patterns cover, and 403 for a prefix they cannot", async () => {
    const teamA = await mintToken({ sub: "ops", can: ["admin"], rooms: ["dir-a-*"] });
    expect(namesOf(await listed("?prefix=dir-", teamA))).toEqual(["dir-a-2", "dir-a-3"]);
    expect(namesOf(await listed("", teamA))).toEqual(["dir-a-2", "dir-a-3"]);
    const exact = await mintToken({ sub: "ops", can: ["admin"], rooms: ["dir-b-1", "dir-a-3"] });
    expect(namesOf(await listed("?prefix=dir-", exact))).toEqual(["dir-a-3", "dir-b-1"]);
    const paged = await listed("?prefix=dir-&limit=1", exact);
    expect(namesOf(paged)).toEqual(["dir-a-3"]);
    expect(namesOf(await listed(`?prefix=dir-&limit=1&cursor=${paged.cursor}`, exact))).toEqual(["dir-b-1"]);

    const outside = await list("?prefix=dir-b", teamA);
    expect(outside.status).toBe(403);
    expect((await outside.json()).error.code).toBe("forbidden");
  });

  it("answers 401 without or with bad credentials, 403 without the admin capability, 400 for a bad query", async () => {
    expect((await list("", null)).status).toBe(401);
    expect((await list("", "not-the-key")).status).toBe(401);
    const user = await mintToken({ sub: "ann", rooms: ["*"] });
    expect((await list("", user)).status).toBe(403);
    for (const query of ["?limit=0", "?limit=1001", "?limit=abc", "?limit=-1", "?cursor=%21%21", "?cursor=Zm9vIGJhcg", "?prefix=has%20space"]) {
      const response = await list(query);
      expect(response.status, query).toBe(400);
      expect((await response.json()).error.code).toBe("bad_request");
    }
    expect((await fetch(`${gateway.httpUrl}/rooms`, { method: "POST", headers: { Authorization: `Bearer ${API_KEY}` } })).status).toBe(405);
  });
});

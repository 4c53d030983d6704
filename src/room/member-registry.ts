/**
 * @module member-registry
 * The primary's list of every connection of a sharded room, with its shard, user and presence
 * state, in SQLite: the primary holds no sockets and may hibernate while shards keep theirs.
 */
import { MAX_MEMBERS_IN_WELCOME } from "../shared/limits";
import type { Member, UserView } from "../shared/protocol";

interface MemberRow extends Record<string, SqlStorageValue> {
  id: string;
  shard: number;
  user_id: string | null;
  state: string | null;
}

function toMember(row: MemberRow): Member {
  return {
    connectionId: row.id,
    ...(row.user_id ? { userId: row.user_id } : {}),
    ...(row.state === null ? {} : { state: JSON.parse(row.state) as unknown }),
  };
}

export class MemberRegistry {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS members (id TEXT PRIMARY KEY, shard INTEGER NOT NULL, user_id TEXT, state TEXT)`);
  }

  put(shard: number, member: Member): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO members (id, shard, user_id, state) VALUES (?, ?, ?, ?)`,
      member.connectionId,
      shard,
      member.userId ?? null,
      member.state === undefined ? null : JSON.stringify(member.state),
    );
  }

  remove(id: string): Member | undefined {
    const row = this.sql.exec<MemberRow>(`SELECT id, shard, user_id, state FROM members WHERE id = ?`, id).toArray()[0];
    if (row) this.sql.exec(`DELETE FROM members WHERE id = ?`, id);
    return row ? toMember(row) : undefined;
  }

  shardOf(id: string): number | undefined {
    return this.sql.exec<{ shard: number }>(`SELECT shard FROM members WHERE id = ?`, id).toArray()[0]?.shard;
  }

  list(limit = MAX_MEMBERS_IN_WELCOME): Member[] {
    return this.sql.exec<MemberRow>(`SELECT id, shard, user_id, state FROM members LIMIT ?`, limit).toArray().map(toMember);
  }

  count(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM members`).one().n;
  }

  users(): UserView[] {
    return this.sql
      .exec<{ user_id: string; n: number }>(`SELECT user_id, COUNT(*) AS n FROM members WHERE user_id IS NOT NULL GROUP BY user_id`)
      .toArray()
      .map((row) => ({ userId: row.user_id, connections: row.n }));
  }

  /** Connections per shard index: how the room is spread. */
  perShard(): number[] {
    const counts: number[] = [];
    for (const row of this.sql.exec<{ shard: number; n: number }>(`SELECT shard, COUNT(*) AS n FROM members GROUP BY shard`)) counts[row.shard] = row.n;
    return Array.from(counts, (n) => n ?? 0);
  }

  /** Distinct users, without listing them (a counting room's welcome and count frames). */
  userCount(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(DISTINCT user_id) AS n FROM members`).one().n;
  }

  /** Distinct users for occupancy reports: an anonymous connection counts as its own user (by id). */
  occupancyUsers(): Set<string> {
    return new Set(this.sql.exec<{ user: string }>(`SELECT DISTINCT COALESCE(user_id, id) AS user FROM members`).toArray().map((row) => row.user));
  }

  /** The connection ids registered on one shard. */
  idsOnShard(shard: number): string[] {
    return this.sql.exec<{ id: string }>(`SELECT id FROM members WHERE shard = ?`, shard).toArray().map((row) => row.id);
  }

  userSet(): Set<string> {
    return new Set(this.users().map((user) => user.userId));
  }
}

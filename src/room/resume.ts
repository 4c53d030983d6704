/**
 * @module resume
 * Deciding what a reconnecting client missed (docs/protocol.md §3 "Resume"): `?since=<seq>&epoch=<epoch>`.
 * Within the same epoch and the history window, every missed message matching the connection's
 * topics is replayed before live ones and `recovered` is true; otherwise `recovered` is false.
 * The room replays inside the same synchronous turn that accepts the socket, so no live message
 * can fall between the replay and the first live delivery. The replay stops at `headSeq`, the
 * newest seq already delivered (pipeline.ts): newer messages are still committing and reach the
 * connection live, so none comes twice and none before it is durable.
 */
import type { StoredMessage } from "../shared/protocol";
import { acceptsTopic } from "../shared/topics";
import type { History } from "./history";

export type ResumePlan = { recovered: true; messages: StoredMessage[] } | { recovered: false } | undefined;

export function resumePlan(params: URLSearchParams, history: History, topics: readonly string[], nowMs: number, headSeq = history.seq): ResumePlan {
  const sinceText = params.get("since");
  if (sinceText === null) return undefined;
  const since = /^\d{1,15}$/.test(sinceText) ? Number(sinceText) : Number.NaN;
  if (!Number.isFinite(since) || params.get("epoch") !== history.epoch || since > headSeq) return { recovered: false };
  if (since + 1 < history.oldestSeq(nowMs)) return { recovered: false };
  const missed = history.since(since, Math.max(1, headSeq - since), nowMs);
  return { recovered: true, messages: missed.filter((message) => message.seq <= headSeq && acceptsTopic(topics, message.topic)) };
}

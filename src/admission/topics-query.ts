/**
 * @module topics-query
 * A connect's `?topics=` list is checked before any room is touched: over the socket-state budget
 * (shared/socket-budget.ts) the room would refuse the connection, so every way in (WebSocket, SSE,
 * every SockJS transport) answers 400 and says why, instead of a close the client cannot read.
 */
import { topicsQueryProblem } from "../shared/socket-budget";
import { badTopicsResponse } from "./refusals";

/** 400 for a `?topics=` value over the budget, else null (an absent list is fine). */
export function refuseTopicsQuery(query: string | null | undefined, headers?: HeadersInit): Response | null {
  const problem = topicsQueryProblem(query);
  return problem ? badTopicsResponse(problem, headers) : null;
}

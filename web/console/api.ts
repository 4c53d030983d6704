/**
 * @module api
 * The gateway's HTTP API as the console calls it: same origin, `Authorization: Bearer <API key>`
 * when one is set (credentials.ts). Every failure becomes an ApiError with the status and the
 * API's error code and message (`{"error":{"code","message"}}`, docs/protocol.md §2), so the page
 * can show it; a network failure is status 0.
 */
import { apiKey } from "./credentials";

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The error body's code and message, or a stand-in when the body is not the API's shape. */
async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === "string") return { code: body.error.code, message: String(body.error.message ?? "") };
  } catch {
    // not JSON: a proxy or asset answer; its status and start of text are shown instead
  }
  return { code: `http_${response.status}`, message: text.slice(0, 120) || response.statusText };
}

/** Calls the API; resolves with the JSON answer, rejects with an ApiError. */
export async function callApi<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(method, path, 0, "network_error", (error as Error).message);
  }
  if (!response.ok) {
    const { code, message } = await errorOf(response);
    throw new ApiError(method, path, response.status, code, message);
  }
  return (await response.json()) as T;
}

/** `/rooms/<room>` with the name escaped (a bad name still reaches the gateway, which answers 400). */
export function roomPath(room: string, rest = ""): string {
  return `/rooms/${encodeURIComponent(room)}${rest}`;
}

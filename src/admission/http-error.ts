/**
 * @module http-error
 * The one error response shape (docs/protocol.md §2): `{"error": {"code": "snake_case", "message": "..."}}`.
 * Every HTTP refusal of the Worker, the room's API routes and the transports goes through here.
 * Messages are fixed strings written by the caller: no stack trace or input echo leaks out.
 */

export function errorResponse(status: number, code: string, message: string, headers?: HeadersInit): Response {
  const response = Response.json({ error: { code, message } }, { status, headers });
  return response;
}

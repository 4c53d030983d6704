/**
 * @module http-error
 * JSON error bodies (docs/protocol.md §2): `{"error": {"code": "snake_case", "message": "..."}}`.
 * Messages are fixed strings written here: no stack trace or input echo leaks out.
 */

export function errorResponse(status: number, code: string, message: string, headers?: HeadersInit): Response {
  const response = Response.json({ error: { code, message } }, { status, headers });
  return response;
}

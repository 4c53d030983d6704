/**
 * @module http-error
 * The one error response shape (docs/protocol.md §2): `{"error": {"code": "snake_case", "message": "..."}}`.
 * Every HTTP refusal of the Worker, the room's API routes and the transports goes through here.
 * Messages are fixed strings written by the caller: no stack trace or input echo leaks out.
 * The status comes with the code from the one table (error-codes.ts). Pure (the standard
 * Response only), so admission, the room and the transports share it without importing each other.
 */
import { httpStatusOf, type HttpErrorCode } from "./error-codes";

export function errorResponse(code: HttpErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status: httpStatusOf(code), headers });
}

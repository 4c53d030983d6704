/**
 * @module boundary
 * Validation at the HTTP boundary with the route specs' schemas (valibot), answering every
 * failure with the API's own error shape `{"error":{"code","message"}}` and status (never a
 * library's): a query through hono's validator (typed `c.req.valid("query")`), a body read with
 * admission's byte cap first (413 while streaming, before any parse), then parsed (400) and
 * validated (400). The 400 message is the schema's own message for the first problem.
 */
import { validator } from "hono/validator";
import * as v from "valibot";
import { badBody, errorResponse, parseJsonBody, readBodyText, type BodyResult } from "../../admission";
import { ErrorCode, type HttpErrorCode } from "../../shared/error-codes";
import type { AnySchema } from "./route-spec";

/** The schema's result, or the message of its first problem. */
export function check<S extends AnySchema>(schema: S, value: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; message: string; key?: string } {
  // valibot's object() takes an array for an object; JSON Schema's `"type": "object"` (the document) does
  // not, so an array is refused as any other non-object would be, with the schema's own message.
  const result = v.safeParse(schema, schema.type === "object" && Array.isArray(value) ? null : value);
  if (result.success) return { ok: true, value: result.output };
  const [first] = result.issues;
  const key = first.path?.[0]?.key;
  return { ok: false, message: first.message, ...(typeof key === "string" ? { key } : {}) };
}

/** hono middleware: the query, validated by `schema`; a failure is 400 `code`. */
export function validQuery<S extends v.GenericSchema<Record<string, unknown>>>(schema: S, code: HttpErrorCode = ErrorCode.badRequest) {
  return validator("query", (query) => {
    const result = check(schema, query);
    return result.ok ? result.value : errorResponse(code, result.message);
  });
}

export interface BodyOptions {
  /** The byte cap (413 above it, checked while reading). */
  maxBytes: number;
  /** When set, an empty (or blank) body stands for this value instead of being invalid JSON. */
  emptyBody?: unknown;
  /** When set, a `text/plain` body is taken as this field's string value. */
  textPlainField?: string;
}

/** Reads, parses and validates a JSON body: 413 over the cap, 400 not JSON, 400 breaking the schema. */
export async function readValidBody<S extends AnySchema>(request: Request, schema: S, options: BodyOptions): Promise<BodyResult<v.InferOutput<S>>> {
  const text = await readBodyText(request, options.maxBytes);
  if (!text.ok) return text;
  let value: unknown;
  if (options.textPlainField !== undefined && (request.headers.get("Content-Type")?.toLowerCase() ?? "").startsWith("text/plain")) {
    value = { [options.textPlainField]: text.value };
  } else if (options.emptyBody !== undefined && text.value.trim() === "") {
    value = options.emptyBody;
  } else {
    const parsed = parseJsonBody(text.value);
    if (!parsed.ok) return parsed;
    value = parsed.value;
  }
  const result = check(schema, value);
  return result.ok ? { ok: true, value: result.value } : badBody(result.message);
}

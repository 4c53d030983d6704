/**
 * @module route-spec
 * What the HTTP API says about one route, as data: method, path (hono syntax), the schemas of its
 * path parameters, query and body (the ones its handler validates with), and its answers. The
 * route tables (room-api-routes.ts, connect-routes.ts, operations-routes.ts) are lists of these;
 * app.ts registers each route at its spec's path, and openapi-document.ts turns the lists into
 * the OpenAPI 3.1 document served at `/openapi.json`.
 */
import type * as v from "valibot";
import { ERROR_CODES, httpStatusOf, type HttpErrorCode } from "../../shared/error-codes";
import { errorBodyOf } from "./common-schemas";

export type HttpMethod = "get" | "post" | "delete" | "options";
export type AnySchema = v.GenericSchema;

/** Who may call: the HTTP API's bearer (API key or admin token), a connection's credentials, or anyone. */
export type Auth = "api" | "connection" | "public";

export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for bodiless answers (101) and non-JSON ones described in `contentType`. */
  schema?: AnySchema;
  /** Defaults to application/json when there is a schema. */
  contentType?: string;
  /** Response headers worth knowing, by name → description. */
  headers?: Record<string, string>;
  /** An error answer: the codes this route sends with this status (the document's `x-error-codes`). */
  errorCodes?: HttpErrorCode[];
}

export interface BodySpec {
  schema: AnySchema;
  required: boolean;
  description?: string;
  /** Also accepted as text/plain: what the text stands for. */
  textPlain?: string;
}

export interface RouteSpec {
  method: HttpMethod;
  /** hono syntax (`/rooms/:room/messages`); the document writes `{room}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: "health" | "messages" | "rooms" | "connect" | "sockjs" | "operations";
  auth: Auth;
  /** One schema per `:name` of the path. */
  params?: Record<string, AnySchema>;
  /** Each entry is one query parameter. */
  query?: v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>;
  body?: BodySpec;
  /** Its answers other than errors of the table (error-codes.ts). */
  responses: Record<number, ResponseSpec>;
  /** The error codes it may answer; each status gets the error schema of its codes. invalid_config and internal_error are implied. */
  errors: readonly HttpErrorCode[];
}

/** Keeps a spec's literal schema types, so handlers get typed validated input. */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** Where the document keeps a named schema (components.ts). */
export function componentRef(name: string): string {
  return `#/components/schemas/${name}`;
}

/** A JSON answer. */
export function json(description: string, schema: AnySchema): ResponseSpec {
  return { description, schema };
}

/** What every Worker route may answer besides its own: a bad setting or an unexpected failure. */
const SERVER_FAILURES: readonly HttpErrorCode[] = ["invalid_config", "internal_error"];

/** The error answers of a route, one per status, each with the error schema of its status. */
export function errorResponses(route: RouteSpec): Record<number, ResponseSpec> {
  const codes = [...route.errors, ...SERVER_FAILURES];
  const byStatus = new Map<number, HttpErrorCode[]>();
  for (const code of codes) byStatus.set(httpStatusOf(code), [...(byStatus.get(httpStatusOf(code)) ?? []), code]);
  const responses: Record<number, ResponseSpec> = {};
  for (const [status, list] of byStatus) {
    responses[status] = { description: list.map((code) => `\`${code}\`: ${ERROR_CODES[code].sentWhen}`).join("; "), schema: errorBodyOf(status), errorCodes: list };
  }
  return responses;
}

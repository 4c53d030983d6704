/**
 * @module allowed-methods
 * 405 for a known route called with the wrong method (RFC 9110 §15.5.6): the `Allow` header
 * lists the methods the router has for that path. It is read from the app's own route table, so
 * it can never drift from the routes; middleware (registered for every method) does not count.
 */
import { PatternRouter } from "hono/router/pattern-router";
import { errorResponse } from "../admission";
import { ErrorCode } from "../shared/error-codes";

/** The router's method for middleware (`app.use`), which matches any method. */
const ANY_METHOD = "ALL";

interface RouteEntry {
  method: string;
  path: string;
}

/** Methods registered for a path, from a hono app's `routes`; built on first use, after every route is added. */
export function allowedMethodsOf(routes: readonly RouteEntry[]): (path: string) => string[] {
  let router: PatternRouter<string> | undefined;
  return (path) => {
    if (!router) {
      router = new PatternRouter<string>();
      for (const route of routes) if (route.method !== ANY_METHOD) router.add(ANY_METHOD, route.path, route.method);
    }
    const methods = new Set(router.match("GET", path)[0].map(([method]) => method));
    // hono answers HEAD with the GET handler.
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

/** The 405 for a path whose route exists with other methods, else null. */
export function methodNotAllowed(allowed: string[], method: string): Response | null {
  if (allowed.length === 0 || allowed.includes(method)) return null;
  const list = allowed.join(", ");
  return errorResponse(ErrorCode.methodNotAllowed, `use ${list}`, { Allow: list });
}

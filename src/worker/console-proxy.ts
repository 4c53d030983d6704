/**
 * @module console-proxy
 * The web console is its own assets-only Worker (web/console-worker), reached through the
 * `CONSOLE` service binding for GET/HEAD requests that no API route takes. Keeping `[assets]`
 * off the gateway keeps the asset router out of the path of every WebSocket upgrade and API
 * call (wrangler dev runs it in front of a Worker that has assets: ~520 µs of CPU per connect
 * and ~50 KiB per open socket here; bench/README.md "The asset router").
 */
import { errorResponse } from "../admission";
import type { Env } from "../env";
import { log } from "../log";
import { ErrorCode } from "../shared/error-codes";

const STATUS_NOT_FOUND = 404;

/** The console's answer for `request`, or null when it is not a console request or not a console file. */
export async function consoleResponse(request: Request, env: Env): Promise<Response | null> {
  if (!env.CONSOLE || (request.method !== "GET" && request.method !== "HEAD")) return null;
  let response: Response;
  try {
    response = await env.CONSOLE.fetch(request);
  } catch (error) {
    // The console Worker is not running (a bare `wrangler dev` of the gateway alone): API-only.
    log("error", { where: "console-proxy", error });
    return null;
  }
  if (response.status === STATUS_NOT_FOUND) {
    // Not a console file: the caller answers its own JSON 404; the body is not needed.
    await response.body?.cancel();
    return null;
  }
  return response;
}

/** The 404 every unknown route gets. */
export function noSuchRoute(): Response {
  return errorResponse(ErrorCode.notFound, "no such route");
}

/**
 * @module cors
 * CORS answers for the HTTP transports, so a page on another (allowed) origin can use
 * EventSource or sockjs-client's XHR transports. The Origin is echoed with credentials allowed
 * (as SockJS servers do); no Origin, or the file:// origin `null`, gets `*`. Foreign origins
 * never get here: admission answers them 403 first.
 */

/** How long a browser may cache a preflight answer, in seconds (one year, as SockJS asks). */
export const PREFLIGHT_MAX_AGE_SECONDS = 31_536_000;
const MS_PER_SECOND = 1_000;

export function corsHeaders(request: Request): Record<string, string> {
  const origin = request.headers.get("Origin");
  const headers: Record<string, string> = { Vary: "Origin" };
  if (origin === null || origin === "null") headers["Access-Control-Allow-Origin"] = "*";
  else {
    headers["Access-Control-Allow-Origin"] = origin;
    headers["Access-Control-Allow-Credentials"] = "true";
  }
  const requested = request.headers.get("Access-Control-Request-Headers");
  if (requested) headers["Access-Control-Allow-Headers"] = requested;
  return headers;
}

/** The 204 answer to a CORS preflight, cacheable for a year. */
export function preflightResponse(request: Request, methods: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(request),
      "Access-Control-Allow-Methods": methods,
      "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE_SECONDS),
      "Cache-Control": `public, max-age=${PREFLIGHT_MAX_AGE_SECONDS}`,
      Expires: new Date(Date.now() + PREFLIGHT_MAX_AGE_SECONDS * MS_PER_SECOND).toUTCString(),
    },
  });
}

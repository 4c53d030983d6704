/**
 * @module openapi-vars
 * The gateway the OpenAPI tests share: token mode with an API key and JWT_SECRET (401, 403 and
 * tickets), a small MAX_MESSAGE_BYTES (cheap 413s) and one allowed Origin (403 for others).
 */
import { API_KEY, JWT_SECRET } from "../../helpers/tokens";

export const ALLOWED_ORIGIN = "https://app.example";

export const OPENAPI_GATEWAY_VARS = { AUTH_MODE: "token", JWT_SECRET, API_KEY, MAX_MESSAGE_BYTES: 1024, ALLOWED_ORIGINS: ALLOWED_ORIGIN };

/**
 * Documented ahead of their handlers, which come from the operations branch (issue 14): once they
 * are registered, empty this list; the tests then require them to be registered and answering.
 */
export const AWAITING_HANDLERS: string[] = [];

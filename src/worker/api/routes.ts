/**
 * @module routes
 * Every route of the Worker, as specs: the document lists exactly these, and a test checks that
 * the router has no route outside them (test/gateway/http/openapi.test.ts).
 */
import { CONNECT_ROUTES } from "./connect-routes";
import { OPERATIONS_ROUTES } from "./operations-routes";
import { ROOM_API_ROUTES } from "./room-api-routes";
import type { RouteSpec } from "./route-spec";

export const API_ROUTES: readonly RouteSpec[] = [...ROOM_API_ROUTES, ...OPERATIONS_ROUTES, ...CONNECT_ROUTES];

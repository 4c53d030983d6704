/**
 * @module components
 * The schemas the document names under `components.schemas` (and refers to with `$ref`), so a
 * generated client gets one type per concept instead of an inline shape per route.
 */
import { ConnectionId, ERROR_BODIES, Health, RoomName } from "./common-schemas";
import { Accepted, BatchBody, BatchEntry, BatchResults, HistoryPage, PublishBody } from "./message-schemas";
import { AdminDrainAccepted, AdminDrainBody, DrainAccepted, DrainBody, RoomList } from "./operations-schemas";
import { Deleted, Kicked, RoomInfo, Ticket, TicketBody } from "./room-schemas";
import type { AnySchema } from "./route-spec";

export const COMPONENT_SCHEMAS: Record<string, AnySchema> = {
  RoomName,
  ConnectionId,
  Health,
  PublishBody,
  Accepted,
  BatchEntry,
  BatchBody,
  BatchResults,
  HistoryPage,
  RoomInfo,
  Kicked,
  Deleted,
  TicketBody,
  Ticket,
  RoomList,
  DrainBody,
  DrainAccepted,
  AdminDrainBody,
  AdminDrainAccepted,
  ...Object.fromEntries([...ERROR_BODIES].map(([status, schema]) => [`Error${status}`, schema])),
};

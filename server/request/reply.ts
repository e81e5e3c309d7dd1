import {
  AlreadyRefundedError,
  BodyTooLargeError,
  ForbiddenError,
  GroupExistsError,
  GroupMissingError,
  PasswordCheckBusyError,
  ProgramChangedError,
  ProgramConflictError,
  ProgramInvalidError,
  ProgramItemMissingError,
  RedisUnavailableError,
  SaleMissingError,
  SalesClosedError,
  SeatTakenError,
  SignInRequiredError,
  StaffExistsError,
  StaffMissingError,
  TicketNotPrintedError,
  TooManyAttemptsError,
  TooManyScansError,
  ValidationError,
} from "@/lib/errors";
import { isConnectionError, replyMayBeLost } from "@/lib/redis";
import { log } from "../log";

/** A JSON response; the one way route handlers answer. */
export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

/**
 * A JSON answer before it is written: what handlers served both by Next.js and by the custom server's
 * fast path return, so that neither transport's Response or ServerResponse leaks into the handler.
 */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function reply(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

/** A {@link Reply} as the Response a Next.js route handler returns. */
export function toResponse({ status, body, headers }: Reply): Response {
  return json(body, status, headers);
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

/** The sentences for a 503: when nothing was sent to Redis, and when the reply was lost after sending. */
export interface Unavailable {
  unavailable?: string;
  uncertain?: string;
}

const UNAVAILABLE = "Redis is not reachable right now, so nothing was changed. Try again in a moment.";
const UNCERTAIN =
  "The connection to Redis dropped before it answered, so the change may or may not have been made. Reload to see the current state before trying again.";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any error class, whatever its constructor takes
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

interface Mapping<E extends Error> {
  status: number;
  /** What the body carries beside `error` (the message), for a script to act on. */
  extra?: (error: E) => Record<string, unknown>;
  headers?: (error: E) => Record<string, string>;
}

const STATUS = new Map<ErrorClass<Error>, Mapping<Error>>();
function maps<E extends Error>(errorClass: ErrorClass<E>, mapping: Mapping<E>): void {
  STATUS.set(errorClass, mapping as Mapping<Error>);
}

/**
 * The one table from domain error to HTTP status (and what the body carries beside the sentence). A
 * subclass without a row of its own answers as its parent's row says.
 */
maps(ValidationError, { status: 400, extra: (e) => (e.field ? { field: e.field } : {}) });
maps(ProgramInvalidError, { status: 400, extra: (e) => ({ problems: e.problems }) });
maps(SignInRequiredError, { status: 401 });
maps(ForbiddenError, { status: 403 });
maps(ProgramItemMissingError, { status: 404 });
maps(SaleMissingError, { status: 404 });
maps(TicketNotPrintedError, { status: 404 });
maps(StaffMissingError, { status: 404 });
maps(GroupMissingError, { status: 404 });
maps(SeatTakenError, {
  status: 409,
  extra: (e) => ({ field: e.taken.length > 1 ? "seats" : "seat", holderId: e.holderId, taken: e.taken }),
});
maps(SalesClosedError, { status: 409, extra: () => ({ field: "sessionId" }) });
maps(ProgramConflictError, { status: 409 });
maps(ProgramChangedError, { status: 409 });
maps(AlreadyRefundedError, { status: 409, extra: (e) => ({ refundId: e.refundId }) });
maps(StaffExistsError, { status: 409, extra: () => ({ field: "username" }) });
maps(GroupExistsError, { status: 409, extra: () => ({ field: "name" }) });
maps(BodyTooLargeError, { status: 413 });
maps(TooManyAttemptsError, {
  status: 429,
  extra: (e) => ({ retryAfterSeconds: e.retryAfterSeconds }),
  headers: (e) => ({ "retry-after": String(e.retryAfterSeconds) }),
});
maps(TooManyScansError, { status: 429, headers: (e) => ({ "retry-after": String(e.retryAfterSeconds) }) });
maps(PasswordCheckBusyError, { status: 503, headers: () => ({ "retry-after": "2" }) });

function mappingOf(error: Error): Mapping<Error> | undefined {
  for (let proto: unknown = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    const mapping = STATUS.get((proto as { constructor: ErrorClass<Error> }).constructor);
    if (mapping) return mapping;
  }
  return undefined;
}

export function errorResponse(error: unknown, sentences: Unavailable = {}, requestId?: string | null): Response {
  return toResponse(errorReply(error, sentences, requestId));
}

/**
 * {@link errorResponse} before it is written: every error a handler can meet, as a status and one
 * sentence a person can act on. The single place where errors become HTTP.
 */
export function errorReply(error: unknown, sentences: Unavailable = {}, requestId?: string | null): Reply {
  const mapping = error instanceof Error ? mappingOf(error) : undefined;
  if (mapping && error instanceof Error) {
    return reply({ error: error.message, ...mapping.extra?.(error) }, mapping.status, mapping.headers?.(error));
  }
  if (error instanceof RedisUnavailableError || isConnectionError(error)) {
    // People tell the two apart by the sentence; scripts by `outcome: "unknown"` on the uncertain one.
    return replyMayBeLost(error)
      ? reply({ error: sentences.uncertain ?? UNCERTAIN, outcome: "unknown" }, 503, { "retry-after": "1" })
      : reply({ error: sentences.unavailable ?? UNAVAILABLE }, 503, { "retry-after": "1" });
  }
  const reference = requestId ? ` (reference ${requestId})` : "";
  if (error instanceof Error && error.name === "ReplyError") {
    // Redis's and Lua's own texts name keys and script lines: they go to the log, never to the caller.
    (requestId ? log.forRequest(requestId) : log).warn("Redis refused a request", { error });
    return reply(
      {
        error: `Redis refused this request${reference}, so nothing was changed. Check the values you sent; if it keeps happening, tell your supervisor.`,
      },
      409,
    );
  }
  (requestId ? log.forRequest(requestId) : log).error("request failed", { error });
  return reply({ error: `Something went wrong on the server${reference}. Try again; if it keeps happening, tell your supervisor.` }, 500);
}

import { ForbiddenError, RedisUnavailableError, SignInRequiredError, ValidationError } from "@/lib/errors";
import { isConnectionError } from "@/lib/redis";
import type { Session } from "@/lib/sessions";
import { checkOrigin, isHttps, requireRole, sessionFromCookie } from "./auth";
import { getContext, type AppContext } from "./context";
import { errorReply, errorResponse, readJson, toResponse, type Reply, type Unavailable } from "./reply";

type Params<P> = { params: Promise<P> };

/** Who may call a route: anyone, any signed-in staff member, or supervisors only. */
export type Access = "public" | "staff" | "supervisor";

export interface RouteContext extends AppContext {
  session: Session;
}

interface Options extends Unavailable {
  /** Lets a person who must change their password still call this route (the change itself, sign-out). */
  beforePasswordChange?: boolean;
}

/**
 * Wraps a route handler: refuses cross-site writes, resolves the session and checks the role on the
 * server, hands over the app context and decoded params, and maps anything thrown to the one error shape.
 */
export function route<P extends Record<string, string> = Record<string, never>>(
  access: Exclude<Access, "public">,
  handler: (request: Request, context: RouteContext, params: P) => Promise<Response>,
  options?: Options,
): (request: Request, extra: Params<P>) => Promise<Response>;
export function route<P extends Record<string, string> = Record<string, never>>(
  access: "public",
  handler: (request: Request, context: AppContext & { session: Session | null }, params: P) => Promise<Response>,
  options?: Options,
): (request: Request, extra: Params<P>) => Promise<Response>;
export function route<P extends Record<string, string>>(
  access: Access,
  handler: (request: Request, context: RouteContext, params: P) => Promise<Response>,
  options: Options = {},
) {
  return async (request: Request, { params }: Params<P>): Promise<Response> => {
    try {
      const caller = {
        method: request.method,
        origin: request.headers.get("origin"),
        host: request.headers.get("host"),
        cookie: request.headers.get("cookie"),
        secure: isHttps(request.url, request.headers.get("x-forwarded-proto")),
      };
      return await handler(request, (await authorize(access, caller, options)) as RouteContext, await params);
    } catch (error) {
      return errorResponse(error, options, request.headers.get("x-streamdesk-request-id"));
    }
  };
}

/** What {@link authorize} reads of a request, whichever server received it. */
export interface Caller {
  method: string;
  origin: string | null;
  host: string | null;
  cookie: string | null;
  /** Reached over HTTPS (here or at a proxy that says so): decides the session cookie's name. */
  secure: boolean;
}

/**
 * The checks every API request passes before its handler runs, in this order: no cross-site write, the
 * session from the cookie, then (unless `public`) signed in, password changed, and the role. Returns the
 * app context with the session (never null unless `public`); throws what {@link errorReply} maps to 401, 403 or 503.
 */
export async function authorize(access: Access, caller: Caller, options: Options = {}): Promise<AppContext & { session: Session | null }> {
  checkOrigin(caller.method, caller.origin, caller.host);
  const context = getContext();
  const session = await sessionFromCookie(context, caller.cookie, caller.secure).catch((error: unknown) => {
    // Nothing the route does has run yet: whatever was lost was the session's own touch.
    throw isConnectionError(error) ? new RedisUnavailableError(error, false) : error;
  });
  if (access === "public") return { ...context, session };
  if (!session) throw new SignInRequiredError();
  if (session.user.mustChangePassword && !options.beforePasswordChange) {
    throw new ForbiddenError("Change your password first: open /account/password.");
  }
  requireRole(session, access === "supervisor" ? "supervisor" : "seller");
  return { ...context, session };
}

/** The little a portable handler reads of its request, so the same code runs under Next.js and on the fast path. */
export interface ApiRequest {
  method: string;
  query: URLSearchParams;
  /** The body as JSON, with {@link readJson}'s answers: 400 for another type or bad JSON, 413 past `maxBytes`. */
  json(maxBytes?: number): Promise<unknown>;
}

/**
 * A route handler that does not depend on the server that received the request: Next.js serves it through
 * {@link nextRoute} (for `next dev` and every route file), and the custom server's fast path (server/fast-path.ts)
 * calls it directly, behind the same {@link authorize} and {@link errorReply}.
 */
export interface Endpoint {
  access: Exclude<Access, "public">;
  handler: (request: ApiRequest, context: RouteContext) => Promise<Reply>;
  options: Options;
}

export function endpoint(access: Endpoint["access"], handler: Endpoint["handler"], options: Options = {}): Endpoint {
  return { access, handler, options };
}

/** An {@link Endpoint} as a Next.js route handler, wrapped by {@link route} like every other. */
export function nextRoute(target: Endpoint): (request: Request, extra: Params<Record<string, never>>) => Promise<Response> {
  return route(
    target.access,
    async (request, context) => {
      const url = new URL(request.url);
      const portable: ApiRequest = { method: request.method, query: url.searchParams, json: (maxBytes) => readJson(request, maxBytes) };
      return toResponse(await target.handler(portable, context));
    },
    target.options,
  );
}

/** Runs an {@link Endpoint} for a request the fast path received; never rejects: failures become their error reply. */
export async function runEndpoint(target: Endpoint, caller: Caller, request: ApiRequest, requestId: string): Promise<Reply> {
  try {
    return await target.handler(request, (await authorize(target.access, caller, target.options)) as RouteContext);
  } catch (error) {
    return errorReply(error, target.options, requestId);
  }
}

/** A route param that names a group or consumer: any non-empty name up to 200 characters. */
export function nameParam(value: string | undefined, label: string): string {
  if (!value || value.length > 200) throw new ValidationError(`${label} must be 1 to 200 characters.`);
  return value;
}

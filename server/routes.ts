import { RedisUnavailableError, ValidationError } from "@/lib/errors";
import { isConnectionError } from "@/lib/redis";
import type { Session } from "@/lib/sessions";
import { checkOrigin, isHttps, requireRole, sessionFromCookie, SignInRequiredError, ForbiddenError } from "./auth";
import { getContext, type AppContext } from "./context";
import { errorResponse, type Unavailable } from "./http";

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
      checkOrigin(request.method, request.headers.get("origin"), request.headers.get("host"));
      const context = getContext();
      const secure = isHttps(request.url, request.headers.get("x-forwarded-proto"));
      const session = await sessionFromCookie(context, request.headers.get("cookie"), secure).catch((error: unknown) => {
        // Nothing the route does has run yet: whatever was lost was the session's own touch.
        throw isConnectionError(error) ? new RedisUnavailableError(error, false) : error;
      });
      if (access !== "public") {
        if (!session) throw new SignInRequiredError();
        if (session.user.mustChangePassword && !options.beforePasswordChange) {
          throw new ForbiddenError("Change your password first: open /account/password.");
        }
        requireRole(session, access === "supervisor" ? "supervisor" : "seller");
      }
      return await handler(request, { ...context, session: session! }, await params);
    } catch (error) {
      return errorResponse(error, options, request.headers.get("x-streamdesk-request-id"));
    }
  };
}

/** A route param that names a group or consumer: any non-empty name up to 200 characters. */
export function nameParam(value: string | undefined, label: string): string {
  if (!value || value.length > 200) throw new ValidationError(`${label} must be 1 to 200 characters.`);
  return value;
}

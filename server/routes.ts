import { ValidationError } from "@/lib/errors";
import { getContext, type AppContext } from "./context";
import { errorResponse } from "./http";

type Params<P> = { params: Promise<P> };

/**
 * Wraps a route handler: hands it the app context and the decoded route params, and turns anything it
 * throws into the one error response shape.
 */
export function route<P extends Record<string, string> = Record<string, never>>(
  handler: (request: Request, context: AppContext, params: P) => Promise<Response>,
  unavailable?: string,
) {
  return async (request: Request, { params }: Params<P>): Promise<Response> => {
    try {
      return await handler(request, getContext(), await params);
    } catch (error) {
      return errorResponse(error, unavailable);
    }
  };
}

/** A route param that names a group or consumer: any non-empty name up to 200 characters. */
export function nameParam(value: string | undefined, label: string): string {
  if (!value || value.length > 200) throw new ValidationError(`${label} must be 1 to 200 characters.`);
  return value;
}

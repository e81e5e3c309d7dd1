import { readAudit } from "@/lib/audit";
import { ValidationError } from "@/lib/errors";
import { json } from "@/server/request/reply";
import { intParam } from "@/server/request/body";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** The audit trail, newest first: `?before=<id>&count=<n>&actor=&action=`. */
export const GET = route("supervisor", async (request, { redis, keys }) => {
  const params = new URL(request.url).searchParams;
  const actor = params.get("actor")?.trim() || undefined;
  const action = params.get("action")?.trim() || undefined;
  if ((actor?.length ?? 0) > 100 || (action?.length ?? 0) > 100) throw new ValidationError("Filters must be at most 100 characters.");
  return json(
    await readAudit(redis, keys, {
      before: params.get("before") || undefined,
      count: intParam(params, "count", 50, 1, 500),
      actor,
      action,
    }),
  );
});

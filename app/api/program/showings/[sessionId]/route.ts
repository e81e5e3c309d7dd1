import { changeProgram } from "@/lib/program";
import { parseProgramId, parseShowing } from "@/lib/validations/program";
import { json, noContent } from "@/server/request/reply";
import { readJson } from "@/server/request/body";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Adds or changes a showing; refused when it overlaps another in its hall, or moves hall or film after sales. */
export const PUT = route<{ sessionId: string }>("supervisor", async (request, { redis, keys, session, programChanged }, params) => {
  const showing = parseShowing(parseProgramId("session", params.sessionId), await readJson(request));
  const { created } = await changeProgram(redis, keys, session.user.username, { kind: "showing.put", showing });
  programChanged();
  return json({ showing }, created ? 201 : 200);
});

/** Deletes a showing without sales. */
export const DELETE = route<{ sessionId: string }>("supervisor", async (_request, { redis, keys, session, programChanged }, params) => {
  await changeProgram(redis, keys, session.user.username, {
    kind: "showing.delete",
    sessionId: parseProgramId("session", params.sessionId),
  });
  programChanged();
  return noContent();
});

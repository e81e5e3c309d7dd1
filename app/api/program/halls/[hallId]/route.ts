import { changeProgram } from "@/lib/program";
import { parseHall, parseProgramId } from "@/lib/validations/program";
import { json, noContent, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Adds or changes a hall and its seat plan; refused when a sold seat would leave the plan. */
export const PUT = route<{ hallId: string }>("supervisor", async (request, { redis, keys, session, programChanged }, params) => {
  const hall = parseHall(parseProgramId("hall", params.hallId), await readJson(request));
  const { created } = await changeProgram(redis, keys, session.user.username, { kind: "hall.put", hall });
  programChanged();
  return json({ hall }, created ? 201 : 200);
});

/** Deletes a hall that no showing uses. */
export const DELETE = route<{ hallId: string }>("supervisor", async (_request, { redis, keys, session, programChanged }, params) => {
  await changeProgram(redis, keys, session.user.username, { kind: "hall.delete", hallId: parseProgramId("hall", params.hallId) });
  programChanged();
  return noContent();
});

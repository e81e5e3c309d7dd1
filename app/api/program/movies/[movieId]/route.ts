import { changeProgram } from "@/lib/program";
import { parseMovie, parseProgramId } from "@/lib/validations/program";
import { json, noContent, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** Adds or changes a film. */
export const PUT = route<{ movieId: string }>("supervisor", async (request, { redis, keys, session, programChanged }, params) => {
  const movie = parseMovie(parseProgramId("movie", params.movieId), await readJson(request));
  const { created } = await changeProgram(redis, keys, session.user.username, { kind: "movie.put", movie });
  programChanged();
  return json({ movie }, created ? 201 : 200);
});

/** Deletes a film that no showing uses. */
export const DELETE = route<{ movieId: string }>("supervisor", async (_request, { redis, keys, session, programChanged }, params) => {
  await changeProgram(redis, keys, session.user.username, { kind: "movie.delete", movieId: parseProgramId("movie", params.movieId) });
  programChanged();
  return noContent();
});

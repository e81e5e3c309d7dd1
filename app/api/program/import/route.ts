import { ProgramInvalidError } from "@/lib/errors";
import { changeProgram } from "@/lib/program";
import { parseProgramDocument } from "@/lib/validations/program";
import { json, readJson } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/**
 * Imports a programme document (the shape `GET /api/program` answers) in one step, all or nothing: every
 * film, hall and showing it names is added or replaced; a 400 lists every problem with its path.
 */
export const POST = route("supervisor", async (request, { redis, keys, session, programChanged }) => {
  const parsed = parseProgramDocument(await readJson(request, IMPORT_MAX_BYTES));
  if ("problems" in parsed) throw new ProgramInvalidError(parsed.problems);
  const { document } = parsed;
  await changeProgram(redis, keys, session.user.username, { kind: "import", document });
  programChanged();
  return json({ imported: { movies: document.movies.length, halls: document.halls.length, showings: document.showings.length } });
});

/** A programme of a few hundred showings is tens of KB; this leaves room without inviting abuse. */
const IMPORT_MAX_BYTES = 1024 * 1024;

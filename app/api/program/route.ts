import { readProgram, programView } from "@/lib/program";
import { parseProgramWindow } from "@/lib/validations/program";
import { json } from "@/server/request/reply";
import { route } from "@/server/request/route";

export const dynamic = "force-dynamic";

/** The programme: films, halls, and the showings of `days` days from `from` (default: today, 7 days), with seats sold. */
export const GET = route("staff", async (request, { redis, keys }) => {
  const window = parseProgramWindow(new URL(request.url).searchParams, Date.now());
  const { document } = await readProgram(redis, keys);
  return json(await programView(redis, keys, document, window));
});

import { describe, expect, inject, it } from "vitest";
import { changeProgram } from "@/lib/program";
import { sellTickets } from "@/lib/tickets";
import type { ProgramView } from "@/lib/validations/program";
import { openSocket, startTestApp } from "./support/app";
import { until } from "./support/writer";

function tab(url: string, cookie: string) {
  const views: ProgramView[] = [];
  openSocket(url, cookie).on("program:update", (view) => views.push(view));
  return views;
}

describe("ProgramWatcher", () => {
  it("hands a tab that connects just after a sale the sold count with that sale in it", async () => {
    const { app, redis, keys, url, cookie } = await startTestApp(inject("redisUrl"));
    await changeProgram(redis, keys, "admin", { kind: "movie.put", movie: { movieId: "1", title: "Dune" } });
    await changeProgram(redis, keys, "admin", { kind: "hall.put", hall: { hallId: "2", name: "Hall 2", rows: [{ row: "A", seats: 10 }] } });
    await changeProgram(redis, keys, "admin", {
      kind: "showing.put",
      showing: { sessionId: "901", movieId: "1", hallId: "2", startsAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    app.program.refresh();
    const first = tab(url, cookie);
    await until(() => first.at(-1)?.showings.length === 1, 5000, "the first tab's programme");
    expect(first.at(-1)!.showings[0]!.sold).toBe(0);

    // Sold well within the moment a view is kept for: the next tab must not get the view from before.
    const ids = await sellTickets(redis, keys, { name: "Ada", seats: ["A1", "A2", "A3"], movieId: "1", sessionId: "901" });
    await until(() => app.loop.lastId === ids.at(-1), 5000, "the feed loop to read the sale");
    const second = tab(url, cookie);
    await until(() => second.length >= 1, 5000, "the second tab's programme");
    expect(second[0]!.showings[0]).toMatchObject({ sessionId: "901", capacity: 10, sold: 3 });
  });
});

import { expect, test } from "./fixtures";

// These tests start their own servers (launch); the fixture's default one would only take CPU.
test.use({ baseURL: undefined, storageState: undefined });
import { feedEntry, feedIds, openDesk, sell, statusMessage, submitSale } from "./support/desk";
import { e2eRedisPort } from "./support/env";
import { allFeedIds, pageOn } from "./support/launched";
import { startRedisServer } from "../harness/redis-server";
import { redisCliArgs } from "./support/processes";

/** Every id of `stream` on the Redis at `port`, oldest first, as `redis-cli XRANGE` prints them. */
async function xrange(port: number, stream: string): Promise<string[]> {
  return (await redisCliArgs(port, ["--json", "XRANGE", stream, "-", "+"])).match(/\d+-\d+/g) ?? [];
}

/** Another program appending a plain ticket entry every 100 ms until stopped. */
function keepAdding(port: number, stream: string) {
  let stopped = false;
  let n = 0;
  const done = (async () => {
    while (!stopped) {
      n++;
      await redisCliArgs(port, [
        "XADD",
        stream,
        "*",
        "name",
        `Walk-in ${n}`,
        "seat",
        `C${(n % 20) + 1}`,
        "movieId",
        "53",
        "sessionId",
        String(900 + n),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    get added() {
      return n;
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

test("a page whose server is killed and started again reconnects by itself and holds exactly the stream", async ({ launch, browser }) => {
  const redisPort = e2eRedisPort();
  const first = await launch();
  const { page, close } = await pageOn(browser, first);
  await openDesk(page);
  const link = page.getByTestId("link-state");
  const sold = await sell(page, { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" });

  const others = keepAdding(redisPort, first.stream);
  await expect.poll(() => others.added).toBeGreaterThan(3);
  await first.crash();
  await expect(link).toHaveAttribute("data-state", "down");
  await expect(link).toHaveText(/^Live link down since \d{1,2}:\d{2}:\d{2}/);
  const whileDown = others.added;
  await expect.poll(() => others.added).toBeGreaterThan(whileDown + 5);

  // The same server started again on the same port: the page is not reloaded and nobody touches it.
  const navigations: string[] = [];
  page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  await launch({ port: first.port, stream: first.stream });
  await expect(link).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await others.stop();

  const all = await xrange(redisPort, first.stream);
  expect(all[0]).toBe(sold);
  expect(all.length).toBeGreaterThan(whileDown + 5);
  await expect(page.getByTestId("feed-count")).toHaveText(`${all.length} entries`);
  await expect.poll(() => allFeedIds(page)).toEqual([...all].reverse());
  expect(navigations, "the page reloaded instead of reconnecting").toEqual([]);
  await close();
});

test("while Redis is down the page says since when and a sale answers a readable 503; afterwards the feed is whole", async ({
  launch,
  browser,
}) => {
  const redis = await startRedisServer({ appendonly: true });
  try {
    const server = await launch({ redisPort: redis.port });
    const { page, close } = await pageOn(browser, server);
    await openDesk(page);
    const link = page.getByTestId("link-state");
    const before = await sell(page, { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" });

    await redis.kill();
    await expect(link).toHaveAttribute("data-state", "down");
    await expect(link).toHaveText(/^Live link down since \d{1,2}:\d{2}:\d{2}/);
    await submitSale(page, { name: "Beth Harmon", seat: "B11", movieId: "53", sessionId: "832" });
    await expect(statusMessage(page)).toHaveText("Redis is not reachable right now, so nothing was sold. Try again in a moment.");

    await redis.start();
    await expect(link).toHaveAttribute("data-state", "live", { timeout: 20_000 });
    const fromCli = await redisCliArgs(redis.port, [
      "XADD",
      server.stream,
      "*",
      "name",
      "Alma Wheatley",
      "seat",
      "B10",
      "movieId",
      "53",
      "sessionId",
      "832",
    ]);
    await expect(feedEntry(page, fromCli)).toHaveCount(1);
    const after = await sell(page, { name: "Beth Harmon", seat: "B11", movieId: "53", sessionId: "832" });

    // Nothing was written by the refused sale; the acknowledged one survived the kill.
    const all = await xrange(redis.port, server.stream);
    expect(all).toEqual([before, fromCli, after]);
    await expect.poll(() => feedIds(page)).toEqual([...all].reverse());
    await close();
  } finally {
    await redis.dispose();
  }
});

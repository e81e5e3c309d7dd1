import { expect, test } from "./fixtures";
import { openDesk } from "./support/desk";
import { e2eRedisPort } from "./support/env";
import { pageOn } from "./support/launched";
import { redisCliArgs } from "./support/processes";
import { cookieHeader, slowSale } from "./support/slow-request";

// This test starts its own server (launch); the fixture's default one would only take CPU.
test.use({ baseURL: undefined, storageState: undefined });

test("SIGTERM with a live page and sales in flight: every sale is answered and the server exits 0 within 5 s", async ({
  launch,
  browser,
}) => {
  // Started as `npm start` runs it (node --import tsx): through the tsx CLI, a SIGTERM the busy server does
  // not acknowledge within 30 ms would become a SIGKILL (exit 143).
  const server = await launch();
  const { page, close } = await pageOn(browser, server);
  await openDesk(page);
  const link = page.getByTestId("link-state");

  // Three sales the server is in the middle of reading, and ten more fired together just before SIGTERM.
  const slow = [1, 2, 3].map((i) =>
    slowSale(server.baseURL, server.storageState, { name: `Slow ${i}`, seat: `E${i}`, movieId: 70, sessionId: 1 }),
  );
  await page.waitForTimeout(500);
  const burst = Array.from({ length: 10 }, (_, i) =>
    fetch(`${server.baseURL}/api/tickets`, {
      method: "POST",
      headers: { cookie: cookieHeader(server.storageState), origin: server.baseURL, "content-type": "application/json" },
      body: JSON.stringify({ name: `Late ${i}`, seat: `D${i + 1}`, movieId: 70, sessionId: 1 }),
    }).then(
      async (response) => ({ name: `Late ${i}`, status: response.status, id: ((await response.json()) as { id?: string }).id, error: "" }),
      (error: unknown) => ({ name: `Late ${i}`, status: 0, id: undefined, error: String((error as Error).cause ?? error) }),
    ),
  );
  await page.waitForTimeout(5);
  const stopping = server.terminate();
  await page.waitForTimeout(300);
  for (const sale of slow) sale.finish();
  const stopped = await stopping;

  expect(stopped.code, server.output()).toBe(0);
  expect(stopped.signal).toBeNull();
  expect(stopped.ms).toBeLessThan(5000);
  // The page lost its live link when the server closed it, and says so.
  await expect(link).toHaveAttribute("data-state", "down");

  const entries = (await redisCliArgs(e2eRedisPort(), ["--json", "XRANGE", server.stream, "-", "+"])).match(/"\d+-\d+"/g) ?? [];
  const ids = entries.map((quoted) => quoted.slice(1, -1));
  // Requests in flight were finished, not cut off: each got its 201 and is in the stream.
  for (const sale of slow) {
    const answer = await sale.answer;
    expect(answer.status).toBe(201);
    expect(ids).toContain(answer.body.id);
  }
  // Each of the burst was answered, or turned away at the door (still in the listen backlog when the
  // listener closed, so the kernel reset it) and then not sold.
  const answers = await Promise.all(burst);
  for (const answer of answers) {
    if (answer.status === 201) expect(ids).toContain(answer.id);
    else expect(answer.error).toMatch(/ECONNREFUSED|ECONNRESET/);
  }
  expect(ids).toHaveLength(slow.length + answers.filter((answer) => answer.status === 201).length);
  await close();
});

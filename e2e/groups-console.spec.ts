import { expect, test } from "./fixtures";
import {
  consumerRow,
  GROUP,
  groupCard,
  groupNames,
  openLive,
  pendingEntries,
  pendingEntry,
  pendingIds,
  pendingMany,
  runTutorialGroupCommands,
  xpendingRows,
  xpendingSummary,
} from "./support/groups";

test("Delete on a group's card asks first, saying how many messages are pending; Keep it keeps the group", async ({
  page,
  app,
  redisCli,
}) => {
  await runTutorialGroupCommands(redisCli, app.stream);
  expect(await redisCli("XGROUP", "CREATE", app.stream, "accounting", "$")).toBe("OK");
  await openLive(page, "/groups");
  const card = groupCard(page, GROUP);
  await expect(card.getByTestId("pending-count")).toHaveText("2");

  await card.getByRole("button", { name: `Delete group ${GROUP}` }).click();
  const dialog = page.getByRole("dialog", { name: `Delete group ${GROUP}?` });
  await expect(dialog).toContainText("2 messages are still pending in this group.");
  await dialog.getByRole("button", { name: "Keep it" }).click();
  await expect(dialog).toBeHidden();
  expect(await groupNames(redisCli, app.stream)).toEqual(expect.arrayContaining([GROUP, "accounting"]));

  // A group with nothing pending says so; deleting it leaves the other group and the stream alone.
  await groupCard(page, "accounting").getByRole("button", { name: "Delete group accounting" }).click();
  const empty = page.getByRole("dialog", { name: "Delete group accounting?" });
  await expect(empty).toContainText("No messages are pending.");
  await empty.getByRole("button", { name: "Delete group" }).click();
  await expect(empty).toBeHidden();
  await expect(groupCard(page, "accounting")).toHaveCount(0);
  expect(await groupNames(redisCli, app.stream)).toEqual([GROUP]);

  await card.getByRole("button", { name: `Delete group ${GROUP}` }).click();
  await dialog.getByRole("button", { name: "Delete group" }).click();
  await expect(card).toHaveCount(0);
  expect(await groupNames(redisCli, app.stream)).toEqual([]);
  expect(await redisCli("XLEN", app.stream)).toBe("2");
});

test("Move dead letters takes exactly the messages delivered 5 times or more to the dead-letter stream and acks them", async ({
  page,
  app,
  redisCli,
}) => {
  const [five, four, seven] = (await pendingMany(app.redisPort, app.stream, GROUP, "printer-1", 3)) as [string, string, string];
  // XCLAIM … RETRYCOUNT sets a message's delivery count, as that many failed deliveries would have.
  for (const [id, deliveries] of [
    [five, 5],
    [four, 4],
    [seven, 7],
  ] as const) {
    await redisCli("XCLAIM", app.stream, GROUP, "printer-1", "0", id, "RETRYCOUNT", String(deliveries));
  }
  expect((await xpendingRows(redisCli, app.stream, GROUP)).map((row) => row.deliveries)).toEqual([5, 4, 7]);

  await openLive(page, `/groups/${GROUP}`);
  await expect(pendingEntries(page)).toHaveCount(3);
  await expect(pendingEntry(page, five)).toContainText("dead letter");
  await expect(pendingEntry(page, seven)).toContainText("dead letter");
  await expect(pendingEntry(page, four)).not.toContainText("dead letter");
  await expect(page.getByText("2 on this page delivered 5+ times (dead letters).")).toBeVisible();

  await page.getByRole("button", { name: "Move dead letters…" }).click();
  const dialog = page.getByRole("dialog", { name: "Move dead letters?" });
  await expect(dialog).toContainText(`Every message of ${GROUP} delivered 5 or more times`);
  await dialog.getByRole("button", { name: "Move dead letters" }).click();
  const dead = `{${app.stream}}:dead`;
  await expect(page.getByText(`Moved 2 dead letters to ${dead}.`)).toBeVisible();

  // The list re-reads after the move: the message above can show before that read is back.
  await expect.poll(() => pendingIds(page)).toEqual([four]);
  await expect(page.getByTestId("pending-count")).toHaveText("1");
  expect(await xpendingRows(redisCli, app.stream, GROUP)).toEqual([expect.objectContaining({ id: four, deliveries: 4 })]);
  const moved = JSON.parse(await redisCli("--json", "XRANGE", dead, "-", "+")) as [string, string[]][];
  expect(moved.map(([, fields]) => fields.slice(0, 8))).toEqual([
    ["originalId", five, "group", GROUP, "consumer", "printer-1", "deliveries", "5"],
    ["originalId", seven, "group", GROUP, "consumer", "printer-1", "deliveries", "7"],
  ]);
  expect(moved[0]![1].slice(8)).toEqual(["name", "Guest 1", "seat", "C1", "movieId", "53", "sessionId", "832"]);
});

test("Move the group's position runs XGROUP SETID to the start, an id and the end", async ({ page, app, redisCli }) => {
  const ids = await pendingMany(app.redisPort, app.stream, GROUP, "printer-1", 3);
  await openLive(page, `/groups/${GROUP}`);
  await expect(page.getByTestId("lag")).toHaveText("0");
  const form = page.getByRole("form", { name: "Move the group's position" });
  const lastDelivered = async () =>
    (JSON.parse(await redisCli("--json", "XINFO", "GROUPS", app.stream)) as { "last-delivered-id": string }[])[0]!["last-delivered-id"];

  await form.getByLabel("New position").fill("0");
  await form.getByRole("button", { name: "Move" }).click();
  await expect(form.getByRole("status")).toHaveText("Last delivered id is now 0-0.");
  expect(await lastDelivered()).toBe("0-0");
  await expect(page.getByTestId("lag")).toHaveText("3");

  await form.getByLabel("New position").fill(ids[1]!);
  await form.getByRole("button", { name: "Move" }).click();
  await expect(form.getByRole("status")).toHaveText(`Last delivered id is now ${ids[1]}.`);
  expect(await lastDelivered()).toBe(ids[1]);

  await form.getByLabel("New position").fill("$");
  await form.getByRole("button", { name: "Move" }).click();
  await expect(form.getByRole("status")).toHaveText(`Last delivered id is now ${ids[2]}.`);
  await expect(page.getByTestId("lag")).toHaveText("0");
  // Moving the position leaves what is pending alone.
  expect((await xpendingSummary(redisCli, app.stream, GROUP)).count).toBe(3);
});

test("the pending list pages 50 at a time and filters by Owner and Idle at least", async ({ page, app, redisCli }) => {
  // 120 pending: 65 for printer-1 (the first 10 idle for an hour), 55 for printer-2.
  const ids = await pendingMany(app.redisPort, app.stream, GROUP, "printer-1", 120);
  const second = ids.slice(65);
  await redisCli("XCLAIM", app.stream, GROUP, "printer-2", "0", ...second, "JUSTID");
  const stale = ids.slice(0, 10);
  await redisCli("XCLAIM", app.stream, GROUP, "printer-1", "0", ...stale, "IDLE", "3600000", "JUSTID");
  expect(await xpendingSummary(redisCli, app.stream, GROUP)).toEqual({ count: 120, consumers: { "printer-1": 65, "printer-2": 55 } });

  await openLive(page, `/groups/${GROUP}`);
  const next = page.getByRole("button", { name: "Next page" });
  const previous = page.getByRole("button", { name: "Previous page" });
  await expect(pendingEntries(page)).toHaveCount(50);
  expect(await pendingIds(page)).toEqual(ids.slice(0, 50));
  await expect(previous).toBeDisabled();
  await next.click();
  await expect.poll(() => pendingIds(page)).toEqual(ids.slice(50, 100));
  await next.click();
  await expect.poll(() => pendingIds(page)).toEqual(ids.slice(100));
  await expect(next).toBeDisabled();
  await previous.click();
  await expect.poll(() => pendingIds(page)).toEqual(ids.slice(50, 100));

  // Owner starts again from the first page, with that consumer's messages only.
  await page.getByLabel("Owner").selectOption("printer-2");
  await expect.poll(() => pendingIds(page)).toEqual(second.slice(0, 50));
  await expect(pendingEntries(page).filter({ hasText: "printer-1" })).toHaveCount(0);
  await next.click();
  await expect.poll(() => pendingIds(page)).toEqual(second.slice(50));
  await expect(next).toBeDisabled();

  await page.getByLabel("Owner").selectOption("");
  await page.getByLabel("Idle at least (ms)").fill("600000");
  await expect.poll(() => pendingIds(page)).toEqual(stale);
  await page.getByLabel("Owner").selectOption("printer-2");
  await expect(pendingEntries(page)).toHaveCount(0);
  await expect(page.getByText("Nothing pending matches these filters.")).toBeVisible();
});

test("Claim all idle over 2,500 messages shows its progress per 1,000 and Cancel stops it", async ({ page, app, redisCli }) => {
  const TOTAL = 2500;
  await pendingMany(app.redisPort, app.stream, GROUP, "printer-1", TOTAL);
  await openLive(page, `/groups/${GROUP}`);
  await expect(page.getByTestId("pending-count")).toHaveText(String(TOTAL));

  // The first step goes through; the second is held at the network, as a slow one would be.
  const steps: string[] = [];
  let releaseSecond: () => void = () => {};
  const secondHeld = new Promise<void>((resolve) => (releaseSecond = resolve));
  await page.unroute(`**/api/groups/${GROUP}/autoclaim`);
  await page.route(`**/api/groups/${GROUP}/autoclaim`, async (route) => {
    steps.push(JSON.parse(route.request().postData() ?? "{}").cursor as string);
    if (steps.length === 1) return route.continue();
    await secondHeld;
    // Never reaches the server: the page gave up on it.
    await route.abort().catch(() => {});
  });

  await page.getByRole("button", { name: "Claim all idle…" }).click();
  const dialog = page.getByRole("dialog", { name: "Claim all idle messages" });
  await dialog.getByLabel("Claim for consumer").fill("printer-2");
  await dialog.getByLabel("Minimum idle (ms)").fill("0");
  await dialog.getByRole("button", { name: "Claim all" }).click();
  await expect(dialog).toContainText("Claiming… 1,000 claimed of 2,500 pending (40%)");
  await expect(dialog.getByRole("progressbar", { name: "Claim progress" })).toHaveJSProperty("value", 1000);
  await expect.poll(() => steps.length).toBe(2);
  expect(steps[0]).toBe("0-0");
  expect(steps[1]).not.toBe("0-0");

  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toContainText("Cancelled after 1,000 claimed of 2,500 pending (40%)");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  releaseSecond();
  await page.waitForTimeout(500);
  expect(steps, "a step was sent after Cancel").toHaveLength(2);
  expect(await xpendingSummary(redisCli, app.stream, GROUP)).toEqual({ count: TOTAL, consumers: { "printer-1": 1500, "printer-2": 1000 } });
  await page.unroute(`**/api/groups/${GROUP}/autoclaim`);

  // Run to the end: three steps of up to 1,000.
  await dialog.getByRole("button", { name: "Claim all" }).click();
  await expect(dialog).toContainText("Done: 2,500 claimed of 2,500 pending (100%)");
  expect(await xpendingSummary(redisCli, app.stream, GROUP)).toEqual({ count: TOTAL, consumers: { "printer-2": TOTAL } });
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(consumerRow(page, "printer-2").getByTestId("consumer-pending")).toHaveText(String(TOTAL));
});

test("while the live link is down the groups pages say their figures may be stale, and since when", async ({ page, app, redisCli }) => {
  await runTutorialGroupCommands(redisCli, app.stream);
  for (const path of ["/groups", `/groups/${GROUP}`]) {
    await openLive(page, path);
    const notice = page.getByRole("alert").filter({ hasText: "may be stale" });
    await expect(notice).toHaveCount(0);
    await page.context().setOffline(true);
    await expect(notice).toHaveText(/^These figures may be stale: the live link has been down since \d{1,2}:\d{2}:\d{2}/);
    await page.context().setOffline(false);
    await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live", { timeout: 20_000 });
    await expect(notice).toHaveCount(0);
  }
});

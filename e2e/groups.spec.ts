import { join } from "node:path";
import { ADMIN_PASSWORD, expect, test } from "./fixtures";
import {
  addTutorialMessages,
  consumerRow,
  countNavigations,
  GROUP,
  groupCard,
  groupNames,
  openLive,
  pendingEntries,
  pendingEntry,
  pendingIds,
  runTutorialGroupCommands,
  xpendingRows,
  xpendingSummary,
} from "./support/groups";
import { STREAM_ID_LINE } from "./support/desk";

test("the consumer-group tutorial's commands typed into redis-cli show up live on /groups", async ({ page, app, redisCli }, testInfo) => {
  await openLive(page, "/groups");
  await expect(page.getByText(/No consumer groups on this stream yet/)).toBeVisible();
  const navigations = countNavigations(page);

  expect(await redisCli("XGROUP", "CREATE", app.stream, GROUP, "$", "MKSTREAM")).toBe("OK");
  const card = groupCard(page, GROUP);
  await expect(card).toBeVisible();
  await expect(card.getByRole("link", { name: GROUP })).toHaveAttribute("href", `/groups/${GROUP}`);
  await expect(card.getByTestId("pending-count")).toHaveText("0");
  await expect(card.getByTestId("consumer-count")).toHaveText("0");

  const ids = await addTutorialMessages(redisCli, app.stream);
  for (const id of ids) expect(id).toMatch(STREAM_ID_LINE);
  const delivered = (await redisCli("XREADGROUP", "GROUP", GROUP, "consumer-1", "STREAMS", app.stream, ">")).split("\n");
  expect(delivered).toContain("Alma Wheatley");
  expect(delivered).toContain("Vasily Borgov");

  await expect(card.getByTestId("pending-count")).toHaveText("2");
  await expect(card.getByTestId("consumer-count")).toHaveText("1");
  await expect(card).toContainText(ids[1]!);
  expect(navigations(), "the page reloaded to show the change").toBe(0);

  await page.screenshot({ path: join(testInfo.project.outputDir, "groups.png"), fullPage: true });
});

test("on a group's page a supervisor acks one message and claims the other, and redis-cli agrees", async ({
  page,
  app,
  redisCli,
}, testInfo) => {
  const [alma, vasily] = (await runTutorialGroupCommands(redisCli, app.stream)) as [string, string];
  await openLive(page, `/groups/${GROUP}`);
  await expect(page.getByRole("heading", { level: 1, name: GROUP })).toBeVisible();
  await expect(page.getByTestId("pending-count")).toHaveText("2");
  const consumer1 = consumerRow(page, "consumer-1");
  await expect(consumer1.getByTestId("consumer-pending")).toHaveText("2");
  await expect(pendingEntries(page)).toHaveCount(2);
  expect(await pendingIds(page)).toEqual([alma, vasily]);
  await expect(pendingEntry(page, alma)).toContainText("Alma Wheatley");
  await expect(pendingEntry(page, alma)).toContainText("consumer-1");
  await page.screenshot({ path: join(testInfo.project.outputDir, "group-ticketgroup.png"), fullPage: true });

  // Ack: Redis's own pending list loses the message, and so does the page.
  await pendingEntry(page, alma).getByRole("button", { name: "Ack", exact: true }).click();
  await expect.poll(async () => (await xpendingSummary(redisCli, app.stream, GROUP)).count).toBe(1);
  await expect(page.getByTestId("pending-count")).toHaveText("1");
  await expect(pendingEntry(page, alma)).toHaveCount(0);
  await expect(consumer1.getByTestId("consumer-pending")).toHaveText("1");

  // Claim with a minimum idle the message cannot have reached: nothing moves, and the dialog says why.
  await pendingEntry(page, vasily).getByRole("button", { name: "Claim", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Claim for consumer").fill("consumer-2");
  await dialog.getByLabel("Minimum idle (ms)").fill("3600000");
  await dialog.getByRole("button", { name: "Claim", exact: true }).click();
  const refusal = dialog.getByRole("alert");
  await expect(refusal).toContainText(/Nothing was claimed/i);
  await expect(refusal).toContainText(/idle/i);
  await expect(dialog).toBeVisible();
  expect((await xpendingRows(redisCli, app.stream, GROUP)).map((row) => [row.id, row.consumer])).toEqual([[vasily, "consumer-1"]]);

  // With no minimum it moves to consumer-2.
  await dialog.getByLabel("Minimum idle (ms)").fill("0");
  await dialog.getByRole("button", { name: "Claim", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect
    .poll(async () => (await xpendingRows(redisCli, app.stream, GROUP)).map((row) => [row.id, row.consumer]))
    .toEqual([[vasily, "consumer-2"]]);
  const consumer2 = consumerRow(page, "consumer-2");
  await expect(consumer2).toBeVisible();
  await expect(consumer2.getByTestId("consumer-pending")).toHaveText("1");
  await expect(consumer1.getByTestId("consumer-pending")).toHaveText("0");
  await expect(pendingEntry(page, vasily)).toContainText("consumer-2");
  await expect(page.getByTestId("pending-count")).toHaveText("1");
});

test("a second supervisor's tab on the group page sees an ack made in the first, without a reload", async ({
  page,
  app,
  redisCli,
  signIn,
  openPage,
}) => {
  const [alma, vasily] = (await runTutorialGroupCommands(redisCli, app.stream)) as [string, string];
  const other = await openPage(await signIn("admin", ADMIN_PASSWORD));
  await openLive(other, `/groups/${GROUP}`);
  await openLive(page, `/groups/${GROUP}`);
  await expect(other.getByTestId("pending-count")).toHaveText("2");
  await expect(pendingEntries(other)).toHaveCount(2);
  const navigations = countNavigations(other);

  await pendingEntry(page, alma).getByRole("button", { name: "Ack", exact: true }).click();
  await expect(page.getByTestId("pending-count")).toHaveText("1");

  await expect(other.getByTestId("pending-count")).toHaveText("1");
  await expect(consumerRow(other, "consumer-1").getByTestId("consumer-pending")).toHaveText("1");
  await expect(pendingEntry(other, alma)).toHaveCount(0);
  await expect(pendingEntry(other, vasily)).toBeVisible();
  expect(navigations(), "the second tab reloaded to show the ack").toBe(0);
});

test("groups are created from the form with readable refusals, and the Read form delivers entries", async ({ page, app, redisCli }) => {
  await redisCli.typed(
    `XADD ${app.stream} * name "Jim Crews" seat "B12" movieId 53 sessionId 832`,
    `XADD ${app.stream} * name "Arthur Crews" seat "B13" movieId 53 sessionId 832`,
    `XADD ${app.stream} * name "Beth Harmon" seat "B11" movieId 53 sessionId 832`,
  );
  await openLive(page, "/groups");
  const form = page.getByRole("form", { name: "Create a group" });
  const name = form.getByLabel("Group name");
  const start = form.getByLabel("Start from");
  const status = form.getByRole("status");
  const create = form.getByRole("button", { name: "Create group" });

  await name.fill("printing");
  await start.fill("0");
  await create.click();
  await expect(status).toHaveText("Created group printing.");
  const card = groupCard(page, "printing");
  await expect(card).toBeVisible();
  await expect(card.getByTestId("pending-count")).toHaveText("0");
  await expect(card.getByTestId("lag")).toHaveText("3");
  expect(await groupNames(redisCli, app.stream)).toEqual(["printing"]);

  // The same name again: a sentence, not a second group.
  await name.fill("printing");
  await start.fill("0");
  await create.click();
  await expect(status).toHaveText(/printing.*already exists|already exists.*printing/i);
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription(/already exists/i);
  await expect(page.getByTestId("group")).toHaveCount(1);

  // A start Redis would not understand: the message names the field.
  await name.fill("accounting");
  await start.fill("yesterday");
  await create.click();
  await expect(status).toHaveText(/^Start from .+\.$/);
  await expect(start).toHaveAttribute("aria-invalid", "true");
  await expect(start).toHaveAccessibleDescription(/Start from/);
  await expect(name).not.toHaveAttribute("aria-invalid", "true");
  expect(await groupNames(redisCli, app.stream)).toEqual(["printing"]);
  await expect(page.getByTestId("group")).toHaveCount(1);

  // Read as a consumer from the group's own page.
  await card.getByRole("link", { name: "printing" }).click();
  await expect(page).toHaveURL(/\/groups\/printing$/);
  const read = page.getByRole("form", { name: "Read as a consumer" });
  await read.getByLabel("Consumer", { exact: true }).fill("printer-1");
  await read.getByLabel("Count", { exact: true }).fill("2");
  await read.getByRole("button", { name: "Read", exact: true }).click();
  await expect(read.getByRole("status")).toHaveText("Delivered 2 entries to printer-1.");
  await expect(read.getByTestId("delivered")).toContainText("Jim Crews");
  await expect(read.getByTestId("delivered")).toContainText("Arthur Crews");
  await expect(page.getByTestId("pending-count")).toHaveText("2");
  await expect(consumerRow(page, "printer-1").getByTestId("consumer-pending")).toHaveText("2");
  await expect(pendingEntries(page)).toHaveCount(2);
  expect(await xpendingSummary(redisCli, app.stream, "printing")).toEqual({ count: 2, consumers: { "printer-1": 2 } });

  await read.getByLabel("Count", { exact: true }).fill("10");
  await read.getByRole("button", { name: "Read", exact: true }).click();
  await expect(read.getByRole("status")).toHaveText("Delivered 1 entry to printer-1.");
  await expect(read.getByTestId("delivered")).toContainText("Beth Harmon");
  await expect(page.getByTestId("pending-count")).toHaveText("3");
  await expect(page.getByTestId("lag")).toHaveText("0");

  await read.getByRole("button", { name: "Read", exact: true }).click();
  await expect(read.getByRole("status")).toHaveText("No new entries to deliver.");
  expect((await xpendingSummary(redisCli, app.stream, "printing")).count).toBe(3);
});

test("Claim all idle hands every pending message of one consumer to another", async ({ page, app, redisCli }) => {
  const TOTAL = 30;
  expect(await redisCli("XGROUP", "CREATE", app.stream, GROUP, "$", "MKSTREAM")).toBe("OK");
  const lines = Array.from(
    { length: TOTAL },
    (_, i) => `XADD ${app.stream} * name "Guest ${i + 1}" seat "C${i + 1}" movieId 53 sessionId 832`,
  );
  const ids = await redisCli.typed(...lines);
  expect(ids).toHaveLength(TOTAL);
  await redisCli("XREADGROUP", "GROUP", GROUP, "consumer-1", "COUNT", "100", "STREAMS", app.stream, ">");
  expect(await xpendingSummary(redisCli, app.stream, GROUP)).toEqual({ count: TOTAL, consumers: { "consumer-1": TOTAL } });

  await openLive(page, `/groups/${GROUP}`);
  await expect(page.getByTestId("pending-count")).toHaveText(String(TOTAL));
  await expect(consumerRow(page, "consumer-1").getByTestId("consumer-pending")).toHaveText(String(TOTAL));
  await expect(pendingEntries(page)).toHaveCount(TOTAL);

  await page.getByRole("button", { name: "Claim all idle…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Claim for consumer").fill("consumer-2");
  await dialog.getByLabel("Minimum idle (ms)").fill("0");
  await dialog.getByRole("button", { name: "Claim all" }).click();
  await expect(dialog).toContainText(`Done: ${TOTAL} claimed of ${TOTAL} pending (100%)`);

  expect(await xpendingSummary(redisCli, app.stream, GROUP)).toEqual({ count: TOTAL, consumers: { "consumer-2": TOTAL } });
  const rows = await xpendingRows(redisCli, app.stream, GROUP, 100);
  expect(rows.map((row) => row.id)).toEqual(ids);
  expect(new Set(rows.map((row) => row.consumer))).toEqual(new Set(["consumer-2"]));

  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Claimed ${TOTAL} idle messages for consumer-2.`)).toBeVisible();
  await expect(consumerRow(page, "consumer-2").getByTestId("consumer-pending")).toHaveText(String(TOTAL));
  await expect(consumerRow(page, "consumer-1").getByTestId("consumer-pending")).toHaveText("0");
  await expect(page.getByTestId("pending-count")).toHaveText(String(TOTAL));
  await expect(pendingEntries(page).filter({ hasText: "consumer-1" })).toHaveCount(0);
});

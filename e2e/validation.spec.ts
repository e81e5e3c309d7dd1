import type { APIResponse } from "@playwright/test";
import { expect, test } from "./fixtures";
import { feedEntries, field, openDesk, sell, statusMessage, submitSale } from "./support/desk";

test("a bad field is marked with its message beside the field and in the status before anything is sent", async ({
  page,
  app,
  redisCli,
}) => {
  await openDesk(page);
  const status = statusMessage(page);
  // Every write the page sends to the sale route (the feed may GET older entries from it; that is no sale).
  const sent: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/tickets" && request.method() !== "GET")
      sent.push(`${request.method()} ${request.postData() ?? ""}`);
  });

  await submitSale(page, { name: "Jim Crews", seat: "12B", movieId: "53", sessionId: "832" });
  const seat = field(page, "Seat");
  await expect(seat).toHaveAttribute("aria-invalid", "true");
  await expect(seat).toHaveAccessibleDescription(/^Seat .*like B12/);
  await expect(status).toHaveText(/^Seat .*like B12/);
  await expect(field(page, "Name")).not.toHaveAttribute("aria-invalid", "true");

  await submitSale(page, { name: "", seat: "B12", movieId: "53", sessionId: "832" });
  const name = field(page, "Name");
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription("Name is required.");
  await expect(status).toHaveText("Name is required.");
  await expect(seat).not.toHaveAttribute("aria-invalid", "true");

  await submitSale(page, { name: "Jim Crews", seat: "B12", movieId: "fifty-three", sessionId: "832" });
  await expect(field(page, "Movie")).toHaveAccessibleDescription(/^Movie .*like 53/);
  await expect(status).toHaveText(/^Movie .*like 53/);

  expect(sent, "the desk sent a sale it had marked as invalid").toEqual([]);
  expect(await redisCli("XLEN", app.stream)).toBe("0");
  await expect(feedEntries(page)).toHaveCount(0);

  // Once the fields are right the same form sends, exactly once, and sells.
  await sell(page, { name: "Jim Crews", seat: "B12", movieId: "53", sessionId: "832" });
  expect(sent).toEqual([expect.stringMatching(/^POST .*"B12"/)]);
  expect(await redisCli("XLEN", app.stream)).toBe("1");
  await expect(feedEntries(page)).toHaveCount(1);
});

async function expectRefusal(response: APIResponse, mentions: RegExp): Promise<void> {
  expect(response.status()).toBe(400);
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  const body = (await response.json()) as { error?: unknown };
  expect(typeof body.error).toBe("string");
  const error = String(body.error);
  // One sentence a person can act on.
  expect(error).toMatch(/^[A-Z].{9,}\.$/);
  expect(error).not.toMatch(/\bat .*\.(js|ts):\d+/);
  expect(error).toMatch(mentions);
}

test("POST /api/tickets refuses malformed requests with a 400 and a sentence", async ({ request, app, redisCli }) => {
  // A browser on the desk sends its own origin; send the same so only the body is on trial.
  const headers = { origin: app.baseURL, "content-type": "application/json" };
  const good = { name: "Jim Crews", seat: "B12", movieId: 53, sessionId: 832 };

  await expectRefusal(await request.post("/api/tickets", { headers, data: '{"name": "Jim Crews", "seat": "B12",' }), /JSON/);
  await expectRefusal(
    await request.post("/api/tickets", { headers: { ...headers, "content-type": "text/plain" }, data: JSON.stringify(good) }),
    /JSON|Content-Type/i,
  );
  await expectRefusal(await request.post("/api/tickets", { headers, data: { name: "Jim Crews", seat: "B12", movieId: 53 } }), /Session/);
  await expectRefusal(await request.post("/api/tickets", { headers, data: { ...good, name: "x".repeat(10_000) } }), /Name/);
  await expectRefusal(await request.post("/api/tickets", { headers, data: [good] }), /JSON object/);

  expect(await redisCli("XLEN", app.stream)).toBe("0");

  // The same request, well formed, is accepted: the refusals above were about the body alone.
  const accepted = await request.post("/api/tickets", { headers, data: good });
  expect(accepted.status()).toBe(201);
  expect(await accepted.json()).toEqual({ id: expect.stringMatching(/^\d+-\d+$/) });
  expect(await redisCli("XLEN", app.stream)).toBe("1");
});

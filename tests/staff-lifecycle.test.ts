import { describe, expect, it } from "vitest";
import * as session from "@/app/api/session/route";
import * as password from "@/app/api/session/password/route";
import * as staff from "@/app/api/staff/route";
import * as staffMember from "@/app/api/staff/[username]/route";
import * as tickets from "@/app/api/tickets/route";
import { redisFixture } from "./support/context";
import { request, signedIn, withContext } from "./support/session";

const none = { params: Promise.resolve({}) };
const ann = { params: Promise.resolve({ username: "ann" }) };
let address = 0;

/** POST /api/session as the server hands it on; each from another address, so no per-address limit joins in. */
async function signIn(username: string, pass: string) {
  const response = await session.POST(
    new Request("http://desk/api/session", {
      method: "POST",
      body: JSON.stringify({ username, password: pass }),
      headers: { "content-type": "application/json", host: "desk", "x-streamdesk-remote-address": `10.9.0.${++address}` },
    }),
    none,
  );
  return {
    status: response.status,
    mustChange: response.headers.get("x-streamdesk-must-change-password") === "1",
    cookie: response.headers.get("set-cookie")?.split(";")[0],
  };
}

const history = async (cookie: string | undefined) => {
  const response = await tickets.GET(request("/api/tickets?count=1", { cookie }), none);
  return `${response.status} ${response.status === 200 ? "" : ((await response.json()) as { error: string }).error}`.trim();
};

const changeOwn = (cookie: string | undefined, currentPassword: string, newPassword: string) =>
  password.POST(request("/api/session/password", { body: { currentPassword, newPassword }, cookie }), none);

describe("a staff account's life through the API", () => {
  it("a password a supervisor reset must be changed at the next sign-in, and then works no more", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const sam = await signedIn(redis, keys, "sam", "supervisor");
    expect(
      (
        await staff.POST(
          request("/api/staff", { body: { username: "ann", password: "given-password-1", role: "seller" }, cookie: sam }),
          none,
        )
      ).status,
    ).toBe(201);
    const first = await signIn("ann", "given-password-1");
    expect(first).toMatchObject({ status: 204, mustChange: true });
    expect((await changeOwn(first.cookie, "given-password-1", "anns-own-password")).status).toBe(204);
    expect(await history(first.cookie)).toBe("200");

    const reset = await staffMember.PATCH(
      request("/api/staff/ann", { method: "PATCH", body: { password: "reset-password-1" }, cookie: sam }),
      ann,
    );
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ username: "ann", mustChangePassword: true, disabled: false });
    // The reset ends the sessions she had, and her own password no longer opens the account.
    expect(await history(first.cookie)).toMatch(/^401 Sign in first/);
    expect((await signIn("ann", "anns-own-password")).status).toBe(401);

    const afterReset = await signIn("ann", "reset-password-1");
    expect(afterReset).toMatchObject({ status: 204, mustChange: true });
    expect(await history(afterReset.cookie)).toBe("403 Change your password first: open /account/password.");
    expect((await changeOwn(afterReset.cookie, "reset-password-1", "reset-password-1")).status).toBe(403);
    expect((await changeOwn(afterReset.cookie, "reset-password-1", "anns-newer-password")).status).toBe(204);
    expect(await history(afterReset.cookie)).toBe("200");
    expect((await signIn("ann", "reset-password-1")).status).toBe(401);
    expect(await signIn("ann", "anns-newer-password")).toMatchObject({ status: 204, mustChange: false });
  });

  it("a disabled account cannot sign in or use its session; enabled again, it signs in and works with the same password", async () => {
    const { redis, keys } = await redisFixture();
    withContext(redis, keys);
    const sam = await signedIn(redis, keys, "sam", "supervisor");
    const before = await signedIn(redis, keys, "ann", "seller");
    const patch = async (body: unknown) => {
      const response = await staffMember.PATCH(request("/api/staff/ann", { method: "PATCH", body, cookie: sam }), ann);
      expect(response.status).toBe(200);
      return response.json();
    };
    const listed = async () =>
      (
        (await (await staff.GET(request("/api/staff", { cookie: sam }), none)).json()) as {
          staff: { username: string; disabled: boolean }[];
        }
      ).staff.find((s) => s.username === "ann");

    expect(await patch({ disabled: true })).toMatchObject({ username: "ann", disabled: true });
    expect(await listed()).toMatchObject({ disabled: true });
    expect(await history(before)).toMatch(/^401 Sign in first/);
    expect((await signIn("ann", "ann-password-1")).status).toBe(401);

    expect(await patch({ disabled: false })).toMatchObject({ username: "ann", disabled: false, mustChangePassword: false });
    expect(await listed()).toMatchObject({ disabled: false });
    const back = await signIn("ann", "ann-password-1");
    expect(back).toMatchObject({ status: 204, mustChange: false });
    expect(await history(back.cookie)).toBe("200");
    // Sessions ended by disabling stay ended: enabling is not a way to revive a stolen cookie.
    expect(await history(before)).toMatch(/^401 Sign in first/);
  });
});

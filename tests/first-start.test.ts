import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";
import { createStaff, oneTimePasswordExpired, setPassword, verifyPassword } from "@/lib/staff";
import { redisFixture } from "./support/context";

describe("first start", () => {
  it("needs STREAMDESK_ADMIN_PASSWORD to be 10 characters, like every password", () => {
    expect(() => loadConfig({ STREAMDESK_ADMIN_PASSWORD: "123456789" })).toThrow(ConfigError);
    expect(() => loadConfig({ STREAMDESK_ADMIN_PASSWORD: "123456789" })).toThrow(
      "STREAMDESK_ADMIN_PASSWORD must be at least 10 characters, like every password.",
    );
    expect(loadConfig({ STREAMDESK_ADMIN_PASSWORD: "1234567890" }).adminPassword).toBe("1234567890");
  });

  it("stops accepting a one-time password left unused past its expiry, until it is changed", async () => {
    const { redis, keys } = await redisFixture();
    await createStaff(redis, keys, "system", {
      username: "admin",
      password: "one-time-pass",
      role: "supervisor",
      mustChangePassword: true,
      passwordExpiresAt: Date.now() + 60_000,
    });
    expect(await verifyPassword(redis, keys, "admin", "one-time-pass")).toMatchObject({ username: "admin", mustChangePassword: true });
    expect(await oneTimePasswordExpired(redis, keys, "admin")).toBe(false);

    await redis.hset(keys.staff("admin"), "passwordExpires", String(Date.now() - 1));
    expect(await verifyPassword(redis, keys, "admin", "one-time-pass")).toBeNull();
    expect(await oneTimePasswordExpired(redis, keys, "admin")).toBe(true);

    // A new one-time password (a restart prints one) works again; a chosen one never expires.
    await setPassword(redis, keys, "system", "admin", "fresh-one-time", true, Date.now() + 60_000);
    expect(await verifyPassword(redis, keys, "admin", "fresh-one-time")).not.toBeNull();
    await setPassword(redis, keys, "admin", "admin", "my-own-password", false);
    expect(await redis.hexists(keys.staff("admin"), "passwordExpires")).toBe(0);
    expect(await oneTimePasswordExpired(redis, keys, "admin")).toBe(false);
  });
});

import { defineConfig } from "@playwright/test";

// The suite drives the production build in Debian's Chromium against a redis-server that
// e2e/global-setup.ts starts on a free port; every test gets its own app server and stream (e2e/fixtures.ts).
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: true,
  forbidOnly: true,
  // Two cores: each worker runs a browser and an app server next to the shared Redis.
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: "list",
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: {
      // `npx playwright install` needs the network; Debian's Chromium is already here.
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});

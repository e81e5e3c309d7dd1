import { expect, test } from "./fixtures";

test("the live link indicator says Live once the page has loaded", async ({ page }) => {
  await page.goto("/");
  const link = page.getByTestId("link-state");
  await expect(link).toHaveAttribute("data-state", "live");
  await expect(link).toHaveText("Live");
});

import { expect, type Locator, type Page } from "@playwright/test";
import type { OpenPage } from "../fixtures";
import { trackHydration, whenHydrated } from "./hydration";

export interface Person {
  username: string;
  password: string;
}

/** A fresh browser context with no cookies, ready for {@link signInWithForm}. */
export async function signedOutPage(openPage: OpenPage): Promise<Page> {
  const page = await openPage(null);
  await trackHydration(page);
  return page;
}

/** The sign-in page's form, filled and sent as a person would (the page must be tracked with trackHydration). */
export async function signInWithForm(page: Page, person: Person): Promise<void> {
  await whenHydrated(page.getByRole("button", { name: "Sign in" }));
  await page.getByLabel("Username").fill(person.username);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** One account's row on `/staff`. */
export function staffRow(page: Page, username: string): Locator {
  return page.locator(`[data-testid="staff-member"][data-username=${JSON.stringify(username)}]`);
}

/** On `/staff` (already open, as a supervisor): adds a person with the form and waits for their row. */
export async function addPerson(page: Page, person: Person, role: "seller" | "supervisor"): Promise<void> {
  const form = page.getByRole("form", { name: "Add a person" });
  await form.getByLabel("New username").fill(person.username);
  await form.getByLabel("First password").fill(person.password);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(form.getByRole("status")).toContainText(`Added ${person.username} as ${role}.`);
  const row = staffRow(page, person.username);
  await expect(row).toBeVisible();
  await expect(row).toContainText(role);
  await expect(row).toContainText("must change password");
}

/**
 * A first sign-in in a signed-out `page` (tracked with trackHydration): the app insists on a new password
 * at /account/password, then opens the desk. Resolves once the desk's live link is up.
 */
export async function firstSignIn(page: Page, person: Person, chosen: string): Promise<void> {
  await page.goto("/login");
  await signInWithForm(page, person);
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  // Nothing else is open until the password is changed.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveCount(0);
  await whenHydrated(page.getByRole("button", { name: "Change password" }));
  await page.getByLabel("Current password").fill(person.password);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("Repeat new password").fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("link-state")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("signed-in-as")).toHaveText(new RegExp(`^${person.username} · `));
}

/** The sign-in form's error line (Next.js adds a route announcer with role=alert of its own). */
export function signInError(page: Page): Locator {
  return page.getByRole("form", { name: "Sign in to StreamDesk" }).getByRole("alert");
}

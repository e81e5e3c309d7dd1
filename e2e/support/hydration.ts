import { expect, type Locator, type Page } from "@playwright/test";

const HYDRATED = "__e2eHydrated";

/**
 * Lets tests tell when React has hydrated a server-rendered form. Text typed before hydration is lost
 * (the controlled inputs come back empty), and a click before it submits the bare HTML form, so a test
 * that types into a page it just loaded, where no live-link indicator says it is ready, waits for this.
 *
 * Installs a minimal React DevTools hook (production React reports every commit to it) that marks each
 * form control React has committed as hydrated. Call before the page navigates; it lasts for the page.
 */
export async function trackHydration(page: Page): Promise<void> {
  await page.addInitScript((flag) => {
    let renderers = 0;
    Object.defineProperty(window, "__REACT_DEVTOOLS_GLOBAL_HOOK__", {
      configurable: true,
      value: {
        supportsFiber: true,
        renderers: new Map(),
        inject: () => ++renderers,
        onCommitFiberRoot: () => {
          for (const element of document.querySelectorAll("input, select, textarea, button")) {
            if (Object.keys(element).some((key) => key.startsWith("__reactProps$"))) Object.assign(element, { [flag]: true });
          }
        },
        onCommitFiberUnmount: () => {},
        onPostCommitFiberRoot: () => {},
        checkDCE: () => {},
      },
    });
  }, HYDRATED);
}

/** Waits until React has hydrated `control` (see {@link trackHydration}). */
export async function whenHydrated(control: Locator): Promise<void> {
  await expect
    .poll(() => control.evaluate((element, flag) => (element as unknown as Record<string, unknown>)[flag] === true, HYDRATED), {
      message: "React never hydrated the form (was trackHydration called before the page loaded?)",
    })
    .toBe(true);
}

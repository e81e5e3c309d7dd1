import { slowSale as harnessSlowSale } from "../../harness/slow-sale";
import type { StorageState } from "../fixtures";

/** The Cookie header a browser with `state` sends. */
export function cookieHeader(state: StorageState | undefined): string {
  return (state?.cookies ?? []).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

/** {@link harnessSlowSale} with the cookies of a browser with `state`. */
export function slowSale(baseURL: string, state: StorageState | undefined, sale: object) {
  return harnessSlowSale(baseURL, cookieHeader(state), sale);
}

import { headers } from "next/headers";
import type { StaffMember } from "@/lib/staff";
import { isHttps, sessionFromCookie } from "./auth";
import { getContext } from "./context";

/** The signed-in person for a server component, or null (signed out, or Redis unreachable). */
export async function currentUser(): Promise<StaffMember | null> {
  const incoming = await headers();
  const secure = isHttps("", incoming.get("x-forwarded-proto"));
  const session = await sessionFromCookie(getContext(), incoming.get("cookie"), secure).catch(() => null);
  return session?.user ?? null;
}

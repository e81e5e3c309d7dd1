import { headers } from "next/headers";
import type { StaffMember } from "@/lib/staff";
import { sessionFromCookie } from "./auth";
import { getContext } from "./context";

/** The signed-in person for a server component, or null (signed out, or Redis unreachable). */
export async function currentUser(): Promise<StaffMember | null> {
  const cookie = (await headers()).get("cookie");
  const session = await sessionFromCookie(getContext(), cookie).catch(() => null);
  return session?.user ?? null;
}

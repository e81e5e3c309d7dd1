"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { StaffMember } from "@/lib/staff";

const UserContext = createContext<StaffMember | null>(null);

/** The signed-in person, read on the server for every page; the UI hides what their role may not do. */
export function UserProvider({ user, children }: { user: StaffMember | null; children: ReactNode }) {
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

export function useUser(): StaffMember | null {
  return useContext(UserContext);
}

/** True for supervisors: the server refuses the rest with 403 either way. */
export function useIsSupervisor(): boolean {
  return useContext(UserContext)?.role === "supervisor";
}

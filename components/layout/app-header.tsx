import Link from "next/link";
import { ConnectionIndicator } from "@/components/feed/connection-indicator";
import { SignOutButton } from "@/components/session/sign-out-button";
import type { StaffMember } from "@/lib/staff";

export function AppHeader({ user }: { user: StaffMember | null }) {
  const links = user?.mustChangePassword
    ? []
    : [
        { href: "/", label: "Desk" },
        { href: "/screenings", label: "Screenings" },
        { href: "/search", label: "Find a sale" },
        { href: "/groups", label: "Groups" },
        ...(user?.role === "supervisor"
          ? [
              { href: "/program", label: "Programme" },
              { href: "/staff", label: "Staff" },
              { href: "/audit", label: "Audit" },
            ]
          : []),
      ];
  return (
    <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-800 bg-slate-900 px-5 py-2.5 text-slate-100">
      <Link href="/" className="text-lg font-semibold tracking-tight">
        Stream<span className="text-amber-400">Desk</span>
      </Link>
      {user ? (
        <>
          <nav aria-label="Main" className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-300">
            {links.map((link) => (
              <Link key={link.href} href={link.href} className="whitespace-nowrap hover:text-white">
                {link.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex flex-wrap items-center gap-3">
            {user.mustChangePassword ? null : <ConnectionIndicator />}
            <span className="text-sm text-slate-300" data-testid="signed-in-as">
              {user.username} · {user.role}
            </span>
            <SignOutButton />
          </div>
        </>
      ) : null}
    </header>
  );
}

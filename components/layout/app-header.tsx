import Link from "next/link";
import { ConnectionIndicator } from "@/components/feed/connection-indicator";

export function AppHeader() {
  return (
    <header className="flex items-center gap-6 border-b border-slate-800 bg-slate-900 px-5 py-2.5 text-slate-100">
      <Link href="/" className="text-lg font-semibold tracking-tight">
        Stream<span className="text-amber-400">Desk</span>
      </Link>
      <nav aria-label="Main" className="flex gap-4 text-sm text-slate-300">
        <Link href="/" className="hover:text-white">
          Desk
        </Link>
        <Link href="/groups" className="hover:text-white">
          Groups
        </Link>
      </nav>
      <div className="ml-auto">
        <ConnectionIndicator />
      </div>
    </header>
  );
}

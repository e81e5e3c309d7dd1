import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/layout/app-header";
import { UserProvider } from "@/components/session/user-context";
import { currentUser } from "@/server/request/current-user";
import "./globals.css";

export const metadata: Metadata = {
  title: "StreamDesk",
  description: "Sell seats and watch every sale live.",
};

export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="flex min-h-full flex-col">
        <UserProvider user={user}>
          <AppHeader user={user} />
          <main className="flex min-h-0 flex-1 flex-col">{children}</main>
        </UserProvider>
      </body>
    </html>
  );
}

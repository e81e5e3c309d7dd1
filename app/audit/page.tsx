import { AuditPage } from "@/components/audit/audit-page";
import { SupervisorsOnly } from "@/components/session/supervisors-only";
import { currentUser } from "@/server/request/current-user";

export const metadata = { title: "Audit · StreamDesk" };

export default async function Page() {
  const user = await currentUser();
  return user?.role === "supervisor" ? <AuditPage /> : <SupervisorsOnly />;
}

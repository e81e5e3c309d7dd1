import { ProgramPage } from "@/components/program/program-page";
import { SupervisorsOnly } from "@/components/session/supervisors-only";
import { currentUser } from "@/server/request/current-user";

export const metadata = { title: "Programme · StreamDesk" };

export default async function Page() {
  const user = await currentUser();
  return user?.role === "supervisor" ? <ProgramPage /> : <SupervisorsOnly />;
}

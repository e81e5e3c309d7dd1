import { SupervisorsOnly } from "@/components/session/supervisors-only";
import { StaffPage } from "@/components/staff/staff-page";
import { currentUser } from "@/server/request/current-user";

export const metadata = { title: "Staff · StreamDesk" };

export default async function Page() {
  const user = await currentUser();
  return user?.role === "supervisor" ? <StaffPage me={user.username} /> : <SupervisorsOnly />;
}

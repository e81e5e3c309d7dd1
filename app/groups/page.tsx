import { GroupsPage } from "@/components/groups/groups-page";

export const metadata = { title: "Consumer groups · StreamDesk" };

export default function Page() {
  return <GroupsPage />;
}

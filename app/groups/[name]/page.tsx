import { GroupDetail } from "@/components/groups/group-detail";

export default async function Page({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <GroupDetail name={decodeURIComponent(name)} />;
}

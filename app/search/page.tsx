import { SearchPage } from "@/components/search/search-page";
import { getContext } from "@/server/request/context";

export const metadata = { title: "Find a sale · StreamDesk" };
export const dynamic = "force-dynamic";

export default function Page() {
  return <SearchPage exportMaxEntries={getContext().config.exportMaxEntries} />;
}

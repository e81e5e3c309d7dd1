import { SearchPage } from "@/components/search/search-page";

export const metadata = { title: "Find a sale · StreamDesk" };

export default function Page() {
  return <SearchPage />;
}

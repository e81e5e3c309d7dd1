import { ScreeningsPage } from "@/components/screenings/screenings-page";
import { getContext } from "@/server/request/context";

export const metadata = { title: "Screenings · StreamDesk" };
export const dynamic = "force-dynamic";

export default function Page() {
  const { rows, seatsPerRow } = getContext().config.seatMap;
  return <ScreeningsPage rows={rows} seatsPerRow={seatsPerRow} />;
}

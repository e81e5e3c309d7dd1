import { Desk } from "@/components/desk/desk";
import { getContext } from "@/server/context";

export const dynamic = "force-dynamic";

export default function DeskPage() {
  const { rows, seatsPerRow } = getContext().config.seatMap;
  return <Desk rows={rows} seatsPerRow={seatsPerRow} />;
}

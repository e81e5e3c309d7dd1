import { Desk } from "@/components/desk/desk";
import { getContext } from "@/server/request/context";

export const dynamic = "force-dynamic";

type Query = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

/** `/?movieId=53&sessionId=832&seat=B12` opens the desk with that screening (and seat) chosen. */
export default async function DeskPage({ searchParams }: { searchParams: Promise<Query> }) {
  const { seatMap, sales } = getContext().config;
  const query = await searchParams;
  const initial = { movieId: one(query.movieId), sessionId: one(query.sessionId), seat: one(query.seat) };
  return (
    <Desk
      rows={seatMap.rows}
      seatsPerRow={seatMap.seatsPerRow}
      maxSeats={sales.maxSeats}
      closeMinutes={sales.closeMinutes}
      initial={initial}
    />
  );
}

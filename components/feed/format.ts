import { idTime } from "@/lib/stream-id";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const dateFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** "14:02:11" for today, "Nov 27 14:02:11" otherwise. */
export function formatEntryTime(id: string, now = new Date()): string {
  const time = idTime(id);
  const sameDay = time.toDateString() === now.toDateString();
  return sameDay ? timeFormat.format(time) : `${dateFormat.format(time)} ${timeFormat.format(time)}`;
}

export function formatClock(ms: number): string {
  return timeFormat.format(new Date(ms));
}

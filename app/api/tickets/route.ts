import { history, sell } from "@/server/endpoints/tickets";
import { nextRoute } from "@/server/routes";

export const dynamic = "force-dynamic";

// The custom server answers these itself, off Next's request handling (server/fast-path.ts); this file
// serves the same endpoints wherever Next.js does (`next dev` without the custom server, tests).
export const POST = nextRoute(sell);
export const GET = nextRoute(history);

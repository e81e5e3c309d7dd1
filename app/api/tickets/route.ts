import { history, sell } from "@/server/request/tickets";
import { nextRoute } from "@/server/request/route";

export const dynamic = "force-dynamic";

// The custom server answers these itself, off Next's request handling (server/fast-path.ts). This file
// keeps the route where Next.js looks for it, serving the same endpoints to any request that reaches Next.
export const POST = nextRoute(sell);
export const GET = nextRoute(history);

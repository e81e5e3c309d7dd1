import { log } from "@/server/log";

// Failures the tests provoke on purpose (Redis killed, bad input) would otherwise flood the output.
log.setLevel("silent");

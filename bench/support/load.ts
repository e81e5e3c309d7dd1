import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { Load } from "./protocol";

const RESOLUTION_MS = 10;

/** Starts measuring this process's own busyness; call the result to read it. */
export function loadWindow(): () => Load {
  const elu = performance.eventLoopUtilization();
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  return () => {
    delay.disable();
    return {
      elu: performance.eventLoopUtilization(elu).utilization,
      // The histogram records whole timer intervals; the delay is what exceeds the resolution.
      loopDelayP99Ms: delay.count > 0 ? Math.max(0, delay.percentile(99) / 1e6 - RESOLUTION_MS) : 0,
    };
  };
}

import { SATURATED_ELU } from "../phases/rig";

interface Saturated {
  saturation: { clientBound: boolean; machineBound: boolean };
}

/** A measuring process or the whole machine was saturated: the figure is the measurer's limit, not the server's. */
export const bound = (r: Saturated) => r.saturation.clientBound || r.saturation.machineBound;

/** The probe has a process of its own; only its own loop or a full machine can slow it. */
export const probeBound = (r: { probeElu: number } & Saturated) => r.probeElu >= SATURATED_ELU || r.saturation.machineBound;

/** A rate measured while saturated is at least the server's. */
export const atLeast = (saturated: boolean) => (saturated ? "≥ " : "");

/** A latency measured while saturated is at most the server's own. */
export const atMost = (saturated: boolean) => (saturated ? "≤ " : "");

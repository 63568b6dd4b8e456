import type { Params } from "../params.ts";
import type { EmulatorState } from "../state.ts";

export interface MethodContext {
  state: EmulatorState;
  params: Params;
  /** Aborts when the bot's HTTP request goes away (e.g. grammY cancelled a long poll). */
  signal: AbortSignal;
}

/** Returns the `result`, or a `Described` result; throws `ApiError` for error answers. */
export type MethodHandler = (ctx: MethodContext) => unknown;

import {
  ApiError,
  type ApiResponse,
  Described,
  internalServerError,
  methodNotFound,
  tooManyRequests,
} from "./api-error.ts";
import { faultError } from "./faults.ts";
import { findMethod } from "./methods/index.ts";
import { Params } from "./params.ts";
import type { RawParams } from "./request-params.ts";
import { sleep } from "./sleep.ts";
import type { EmulatorState } from "./state.ts";
import type { FaultKind, RecordedCall } from "./types.ts";

/** What to do with the HTTP request: answer it, or drop the connection (fault "timeout"). */
export type CallOutcome = { kind: "answer"; status: number; body: ApiResponse } | { kind: "drop" };

interface CallOptions {
  signal: AbortSignal;
  source: RecordedCall["source"];
}

/**
 * Runs one Bot API call the way Telegram would answer it, after the configured latency and
 * injected faults, and records it in `state.calls`.
 */
export async function callBotApi(
  state: EmulatorState,
  methodName: string,
  params: RawParams,
  options: CallOptions,
): Promise<CallOutcome> {
  const at = new Date();
  const found = findMethod(methodName);
  const method = found?.name ?? methodName;
  const finish = (
    error: ApiError | undefined,
    result?: unknown,
    fault?: FaultKind,
  ): CallOutcome => {
    const body = error ? error.toBody() : successBody(result);
    if (body.ok && isNewMessage(method)) state.countSent(params.chat_id);
    recordCall(state, {
      method,
      params,
      at,
      ok: body.ok,
      response: body,
      source: options.source,
      ...(fault ? { fault } : {}),
    });
    return { kind: "answer", status: error ? error.code : 200, body };
  };

  await sleep(state.faults.latencyMs, state.lifetime.signal);
  if (!found) return finish(methodNotFound());

  const fault = state.faults.take(method, params.chat_id);
  if (fault) {
    const error = faultError(fault);
    if (error) return finish(error, undefined, fault.kind);
    await sleep(fault.kind === "reset" ? 0 : (fault.latencyMs ?? 1000), state.lifetime.signal);
    recordCall(state, {
      method,
      params,
      at,
      ok: false,
      response: null,
      fault: fault.kind,
      source: options.source,
    });
    return { kind: "drop" };
  }

  const retryAfter = state.faults.overRateLimit(method);
  if (retryAfter !== undefined) return finish(tooManyRequests(retryAfter), undefined, "429");

  try {
    const result = await found.handler({
      state,
      params: new Params(params),
      signal: options.signal,
    });
    return finish(undefined, result);
  } catch (error) {
    if (error instanceof ApiError) return finish(error);
    // A bug in the emulator itself: answer like Telegram's own failures, but say what broke.
    return finish(
      internalServerError(`emulator failure in ${method}: ${(error as Error).message}`),
    );
  }
}

export function recordCall(state: EmulatorState, call: RecordedCall): void {
  if (state.recordCalls) state.calls.push(call);
}

/** Methods whose success puts a new message in the chat (counted per chat, for duplicates). */
const isNewMessage = (method: string) => method.startsWith("send") && method !== "sendChatAction";

function successBody(result: unknown): ApiResponse {
  if (result instanceof Described) {
    return { ok: true, result: result.result, description: result.description };
  }
  return { ok: true, result };
}

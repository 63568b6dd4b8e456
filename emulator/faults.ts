import {
  type ApiError,
  badGateway,
  botBlocked,
  internalServerError,
  tooManyRequests,
} from "./api-error.ts";
import type { FaultSpec } from "./types.ts";

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/** Faults injected by tests, plus a latency added to every Bot API response. */
export class FaultInjector {
  latencyMs = 0;
  private faults: ActiveFault[] = [];

  inject(spec: FaultSpec): void {
    this.faults.push({ ...spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes the oldest fault matching this call, if any. */
  take(method: string, chatId: unknown): FaultSpec | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined ||
          candidate.method.toLowerCase() === method.toLowerCase()) &&
        (candidate.chatId === undefined || String(candidate.chatId) === String(chatId)),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }
}

/** The answer Telegram gives in the situation the fault simulates ("timeout" has none). */
export function faultError(fault: FaultSpec): ApiError | undefined {
  switch (fault.kind) {
    case "429":
      return tooManyRequests(fault.retryAfter ?? 1);
    case "403":
      return botBlocked();
    case "500":
      return internalServerError();
    case "502":
      return badGateway();
    case "timeout":
      return undefined;
  }
}

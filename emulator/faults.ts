import {
  type ApiError,
  badGateway,
  badRequest,
  botBlocked,
  internalServerError,
  tooManyRequests,
} from "./api-error.ts";
import type { FaultSpec, RateLimitSpec } from "./types.ts";

interface ActiveFault extends FaultSpec {
  remaining: number;
}

const SENDING_METHODS = ["sendmessage", "sendphoto", "senddocument"];

/** Faults injected by tests, plus a latency added to every Bot API response. */
export class FaultInjector {
  latencyMs = 0;
  private faults: ActiveFault[] = [];
  private rateLimit: { perSecond: number; methods: Set<string> } | undefined;
  /** When the calls admitted under the rate limit in the last second were made (ms). */
  private admitted: number[] = [];

  /** Telegram's flood control for the given methods; null lifts it. */
  setRateLimit(spec: RateLimitSpec | null): void {
    this.admitted = [];
    this.rateLimit = spec
      ? {
          perSecond: spec.perSecond,
          methods: new Set((spec.methods ?? SENDING_METHODS).map((m) => m.toLowerCase())),
        }
      : undefined;
  }

  /**
   * Under the rate limit: undefined when the call may go (and it is counted), else the
   * `retry_after` seconds to answer it with.
   */
  overRateLimit(method: string, at = Date.now()): number | undefined {
    const limit = this.rateLimit;
    if (!limit?.methods.has(method.toLowerCase())) return undefined;
    let expired = 0;
    while (expired < this.admitted.length && (this.admitted[expired] as number) <= at - 1000) {
      expired++;
    }
    if (expired > 0) this.admitted = this.admitted.slice(expired);
    if (this.admitted.length < limit.perSecond) {
      this.admitted.push(at);
      return undefined;
    }
    const freeAt = (this.admitted[0] as number) + 1000;
    return Math.max(1, Math.ceil((freeAt - at) / 1000));
  }

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

/**
 * The answer Telegram gives in the situation the fault simulates ("timeout" and "reset", a
 * connection dropped after a while or at once, have none).
 */
export function faultError(fault: FaultSpec): ApiError | undefined {
  switch (fault.kind) {
    case "400":
      return badRequest(fault.description ?? "message can't be deleted for everyone");
    case "429":
      return tooManyRequests(fault.retryAfter ?? 1);
    case "403":
      return botBlocked();
    case "500":
      return internalServerError();
    case "502":
      return badGateway();
    case "timeout":
    case "reset":
      return undefined;
  }
}

import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import type { Sql } from "../db/sql.ts";
import {
  lockSettings,
  selectOrSeedSettings,
  updateSettings,
} from "../db/tables/loyalty-settings.ts";
import { AppError } from "../errors.ts";
import {
  type LoyaltySettings,
  LoyaltySettingsSchema,
  parseStoredSettings,
  seedSettings,
} from "./settings.ts";

/** How long a process trusts its copy before reading the row again (changes made elsewhere). */
export const SETTINGS_CACHE_MS = 30_000;

/**
 * The loyalty settings as every part of the app reads them. The environment (WELCOME_BONUS,
 * REFERRAL_BONUS) seeds the row the first time; after that the database wins. Each process keeps
 * a copy for SETTINGS_CACHE_MS, so reading them costs no statement on the hot path; a change made
 * through this process is seen at once, one made through another within that time.
 */
export class LoyaltySettingsStore {
  #cached: { settings: LoyaltySettings; version: number; readAt: number } | undefined;
  #reading: Promise<LoyaltySettings> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly seed: { welcomeBonus: number; referralBonus: number },
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<LoyaltySettings> {
    const cached = this.#cached;
    if (cached && this.clock() - cached.readAt < SETTINGS_CACHE_MS) {
      return Promise.resolve(cached.settings);
    }
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  /** The version read last (tests, the API's answer). */
  get version(): number | undefined {
    return this.#cached?.version;
  }

  /**
   * Reads the row now, past the cache (the admin API: an owner reading the settings must see
   * a change made through another process at once), and refreshes the cache with it.
   */
  async current(): Promise<{ settings: LoyaltySettings; version: number }> {
    const settings = await this.#read();
    return { settings, version: this.#cached?.version ?? 0 };
  }

  async #read(): Promise<LoyaltySettings> {
    const stored = await selectOrSeedSettings(this.sql, seedSettings(this.seed));
    const settings = parseStoredSettings(stored.settings);
    this.#cached = { settings, version: stored.version, readAt: this.clock() };
    return settings;
  }

  /**
   * Changes the settings. Top-level fields given replace the stored ones; fields left out keep
   * their values (so changing the welcome bonus cannot reset the tiers). Audited with the old and
   * new values of what changed.
   */
  async update(
    actor: Actor,
    change: Record<string, unknown>,
    now = new Date(),
  ): Promise<{ settings: LoyaltySettings; version: number }> {
    requirePermission(actor, Permission.manageSettings);
    const result = await this.sql.transaction(async (tx) => {
      await selectOrSeedSettings(tx, seedSettings(this.seed));
      const locked = await lockSettings(tx);
      const current = parseStoredSettings(locked?.settings ?? {});
      const parsed = LoyaltySettingsSchema.safeParse({ ...current, ...change });
      if (!parsed.success) {
        throw new AppError("invalid_input", "Invalid loyalty settings", {
          issues: parsed.error.issues.map((issue) => ({
            field: issue.path.join("."),
            message: issue.message,
          })),
        });
      }
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const key of Object.keys(parsed.data) as Array<keyof LoyaltySettings>) {
        if (JSON.stringify(current[key]) !== JSON.stringify(parsed.data[key])) {
          before[key] = current[key];
          after[key] = parsed.data[key];
        }
      }
      const version = await updateSettings(tx, {
        settings: parsed.data,
        staffId: actor.staffId,
        at: now,
      });
      await recordAudit(tx, {
        actor,
        action: AuditAction.settingsChanged,
        data: { version, before, after },
        now,
      });
      return { settings: parsed.data, version };
    });
    this.#cached = { ...result, readAt: this.clock() };
    return result;
  }
}

import { AuditAction, recordAudit } from "../access/audit.ts";
import { type Actor, Permission, requirePermission } from "../access/permissions.ts";
import { registerBotStart } from "../customers/register-bot-start.ts";
import type { TelegramIdentity } from "../customers/telegram-identity.ts";
import type { Sql } from "../db/sql.ts";
import { selectCustomerByTelegramId } from "../db/tables/customers.ts";
import { setReceivesFeedback } from "../db/tables/feedback.ts";

/**
 * A staff member starts or stops receiving low scores. Alerts travel through the outbox, which
 * writes to customer records, so a staff member who never pressed Start as a customer gets the
 * minimal record a first /start makes (the Telegram id and language, nothing personal).
 */
export async function setFeedbackSubscription(
  sql: Sql,
  options: { actor: Actor; receives: boolean; identity: TelegramIdentity; now?: Date },
): Promise<void> {
  const { actor } = options;
  requirePermission(actor, Permission.answerFeedback);
  const now = options.now ?? new Date();
  if (!actor.staffId) return;
  const staffId = actor.staffId;
  await sql.transaction(async (tx) => {
    await setReceivesFeedback(tx, { staffId, receives: options.receives, at: now });
    await recordAudit(tx, {
      actor,
      action: AuditAction.feedbackSubscription,
      data: { receives: options.receives },
      now,
    });
    if (!options.receives) return;
    const known = await selectCustomerByTelegramId(tx, options.identity.telegramId);
    if (!known) await registerBotStart(tx, { identity: options.identity, known: null, now });
  });
}

import { AuditAction, recordAudit } from "../access/audit.ts";
import { Permission, requirePermission } from "../access/permissions.ts";
import { registerBotStart } from "../customers/register-bot-start.ts";
import { selectStaffContact } from "../db/tables/campaigns.ts";
import { selectCustomerByTelegramId } from "../db/tables/customers.ts";
import { insertOutboxMessage } from "../db/tables/outbox-messages.ts";
import { AppError } from "../errors.ts";
import { type CampaignDeliveryPayload, OutboxKind } from "../outbox/message.ts";
import { conflict, requireCampaign } from "./campaign-record.ts";
import type { CampaignDeps } from "./types.ts";

/**
 * Queues the campaign's message (whatever its state) to a staff member's own chat: an outbox
 * row of kind "campaign_test" with the campaign's id, a service message (no quiet hours, no
 * cap, no consent needed), never counted in the statistics. Outbox rows go to customer
 * records, so a staff member who never pressed Start as a customer gets the minimal record a
 * first /start makes (as /feedback_on does). Each call is a new test.
 */
export async function sendTestMessage(
  deps: CampaignDeps,
  id: string,
  staffId: string,
): Promise<void> {
  requirePermission(deps.actor, Permission.broadcast);
  const now = deps.now?.() ?? new Date();
  await deps.sql.transaction(async (tx) => {
    await requireCampaign(tx, id);
    const staff = await selectStaffContact(tx, staffId);
    if (!staff) throw new AppError("not_found", "No staff member with this id", { staffId });
    if (!staff.active) throw conflict("The staff member is disabled", { staffId });
    if (staff.telegramId === null)
      throw conflict("The staff member has no Telegram account to send the test to", { staffId });
    const telegramId = Number(staff.telegramId);
    const customer =
      (await selectCustomerByTelegramId(tx, telegramId)) ??
      (
        await registerBotStart(tx, {
          identity: { telegramId, firstName: staff.name },
          known: null,
          now,
        })
      ).customer;
    const payload: CampaignDeliveryPayload = { campaign: { variant: null } };
    await insertOutboxMessage(tx, {
      kind: OutboxKind.campaignTest,
      customerId: customer.id,
      payload,
      service: true,
      dedupeKey: `campaign_test:${id}:${customer.id}:${now.getTime()}`,
      campaignId: id,
      notBefore: now,
    });
    await recordAudit(tx, {
      actor: deps.actor,
      action: AuditAction.campaignTestSent,
      data: { campaignId: id, staffId },
      now,
    });
  });
}

import type { Prisma } from "../db/client.ts";
import type { Sql } from "../db/sql.ts";
import { insertAuditEntry } from "../db/tables/audit-entries.ts";
import type { Actor } from "./permissions.ts";

/** Audit actions, in one place: the log is read by them. */
export const AuditAction = {
  staffInvited: "staff.invited",
  staffJoined: "staff.joined",
  staffDisabled: "staff.disabled",
  customerLookup: "customer.lookup",
  customerRegistered: "customer.registered",
  purchaseRecorded: "purchase.recorded",
  purchaseRefunded: "purchase.refunded",
  pointsAdjusted: "points.adjusted",
  pointsBulk: "points.bulk",
  settingsChanged: "settings.changed",
  rewardRedeemed: "reward.redeemed",
  rewardUsed: "reward.used",
  rewardChanged: "reward.changed",
  customersMerged: "customers.merged",
  eventRecorded: "customer.event",
  /** A client base loaded from a file (core/imports), and a customer export (core/exports). */
  customersImported: "customers.imported",
  customersExported: "customers.exported",
  tokenIssued: "token.issued",
  tokenRevoked: "token.revoked",
  /** The question bank: a question created, changed or switched off (core/questions). */
  questionChanged: "question.changed",
  /** A pack of questions applied to the bank (core/questions/packs.ts). */
  questionPackApplied: "question.pack_applied",
  /** A survey created, changed or deleted (core/surveys/manage-surveys.ts). */
  surveyChanged: "survey.changed",
  /** A saved segment created, changed or deleted (core/segments/manage-segments.ts). */
  segmentChanged: "segment.changed",
  /** A staff member answered a customer's low score (core/feedback/answer-feedback.ts). */
  feedbackAnswered: "feedback.answered",
  /** A staff member started or stopped receiving low scores. */
  feedbackSubscription: "feedback.subscription",
  /** A webhook endpoint created, changed or deleted (core/webhooks/endpoints.ts). */
  webhookChanged: "webhook.changed",
  /** A customer's fields, tags or attributes changed from the API (core/customers/edit-customer.ts). */
  customerEdited: "customer.edited",
  /** A customer's personal data erased by the owner (core/privacy/delete-customer-data.ts). */
  customerAnonymised: "customer.anonymised",
  /** Campaigns (core/campaigns): each change of a campaign and what was done with it. */
  campaignCreated: "campaign.created",
  campaignChanged: "campaign.changed",
  campaignLaunched: "campaign.launched",
  campaignPaused: "campaign.paused",
  campaignResumed: "campaign.resumed",
  campaignCancelled: "campaign.cancelled",
  campaignTestSent: "campaign.test_sent",
  campaignMessagesDeleted: "campaign.messages_deleted",
  campaignMessagesEdited: "campaign.messages_edited",
  /** The per-recipient delivery report downloaded (it names customers). */
  campaignReportExported: "campaign.report_exported",
  /** An automation created, changed (words, timing, on/off) or deleted (core/automations). */
  automationChanged: "automation.changed",
} as const;

export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Appends to the audit log; call it with the transaction of the action it records. */
export function recordAudit(
  sql: Sql,
  entry: {
    actor: Actor;
    action: AuditAction;
    customerId?: string | null;
    data?: Record<string, unknown>;
    now?: Date;
  },
): Promise<void> {
  return insertAuditEntry(
    sql,
    {
      staffId: entry.actor.staffId,
      actor: entry.actor.via,
      action: entry.action,
      customerId: entry.customerId ?? null,
      ...(entry.data ? { data: entry.data } : {}),
    },
    entry.now ?? new Date(),
  );
}

/** The Prisma side of a transaction: what records an audit row inside `db.$transaction`. */
type PrismaAuditClient = {
  auditEntry: { create(args: { data: Prisma.AuditEntryUncheckedCreateInput }): Promise<unknown> };
};

/**
 * `recordAudit` for a change made through Prisma (tokens, segments, an erasure): the row goes
 * into the same Prisma transaction as the change, so the log never lacks an act that happened,
 * nor names one that was rolled back.
 */
export async function recordAuditWithPrisma(
  tx: PrismaAuditClient,
  entry: Parameters<typeof recordAudit>[1],
): Promise<void> {
  await tx.auditEntry.create({
    data: {
      staffId: entry.actor.staffId,
      actor: entry.actor.via,
      action: entry.action,
      customerId: entry.customerId ?? null,
      data: (entry.data ?? {}) as Prisma.InputJsonObject,
      createdAt: entry.now ?? new Date(),
    },
  });
}

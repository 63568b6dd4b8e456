import type { PrismaClient } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { EventType, recordEvent } from "../events.ts";

/**
 * Everything stored about one customer, as the customer is entitled to see it. Internal ids of
 * other people (a referrer's customer id) are left out.
 */
export async function exportCustomerData(db: PrismaClient, customerId: string) {
  const c = await db.customer.findUnique({
    where: { id: customerId },
    include: {
      card: true,
      ledger: { orderBy: { createdAt: "asc" } },
      purchases: { orderBy: { createdAt: "asc" } },
      refunds: { orderBy: { createdAt: "asc" } },
      rewards: { include: { reward: { select: { title: true } } }, orderBy: { createdAt: "asc" } },
      answers: { include: { question: { select: { key: true } } }, orderBy: { createdAt: "asc" } },
      surveys: { include: { survey: { select: { slug: true } } }, orderBy: { startedAt: "asc" } },
      feedback: { orderBy: { createdAt: "asc" } },
      events: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!c) throw new AppError("not_found", "Customer not found");
  await recordEvent(db, customerId, EventType.dataExported, {});
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      name: c.name,
      phone: c.phone,
      phoneVerified: c.phoneVerified,
      email: c.email,
      birthday: c.birthday?.toISOString().slice(0, 10) ?? null,
      gender: c.gender,
      city: c.city,
      interests: c.interests,
      familyStatus: c.familyStatus,
      children: c.children,
      attributes: c.attributes,
      language: c.language ?? c.telegramLanguage,
    },
    telegram: {
      id: c.telegramId?.toString() ?? null,
      username: c.telegramUsername,
      firstName: c.telegramFirstName,
      lastName: c.telegramLastName,
    },
    consents: {
      dataProcessing: { at: iso(c.dataConsentAt), version: c.dataConsentVersion },
      marketing: {
        granted: c.marketingConsent,
        at: iso(c.marketingConsentAt),
        version: c.marketingConsentVersion,
      },
      health: {
        at: iso(c.healthConsentAt),
        version: c.healthConsentVersion,
        declinedAt: iso(c.healthConsentDeclinedAt),
      },
    },
    questions: {
      enabled: c.questionsEnabled,
      lastAskedAt: iso(c.lastQuestionAskedAt),
      open: c.openQuestion,
      skipped: c.questionSkips,
    },
    acquisition: {
      source: c.source,
      invitedByFriend: c.referrerId !== null,
      referralCode: c.referralCode,
    },
    card: c.card
      ? {
          number: c.card.number,
          status: c.card.status,
          tier: c.tier,
          balance: c.card.balance,
          issuedAt: iso(c.card.issuedAt),
        }
      : null,
    pointsHistory: c.ledger.map((e) => ({
      at: iso(e.createdAt),
      kind: e.kind,
      points: e.delta,
      balanceAfter: e.balanceAfter,
    })),
    purchases: c.purchases.map((p) => ({
      at: iso(p.createdAt),
      amountMinor: p.amountMinor.toString(),
      currency: p.currency,
      category: p.category,
      pointsSpent: p.pointsSpent,
      pointsEarned: p.pointsEarned,
      refundedMinor: p.refundedMinor.toString(),
      items: p.items,
    })),
    refunds: c.refunds.map((r) => ({
      at: iso(r.createdAt),
      amountMinor: r.amountMinor.toString(),
      pointsSpentReturned: r.pointsSpentReturned,
      pointsEarnedReversed: r.pointsEarnedReversed,
    })),
    rewards: c.rewards.map((r) => ({
      at: iso(r.createdAt),
      reward: r.reward.title,
      code: r.code,
      points: r.cost,
      status: r.status,
      expiresAt: iso(r.expiresAt),
      usedAt: iso(r.usedAt),
    })),
    answers: c.answers.map((a) => ({
      at: iso(a.createdAt),
      question: a.question.key,
      value: a.value,
      source: a.source,
    })),
    surveys: c.surveys.map((r) => ({
      survey: r.survey.slug,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
    })),
    feedback: c.feedback.map((f) => ({
      at: iso(f.createdAt),
      scale: f.scale,
      score: f.score,
      comment: f.comment,
      reply: f.answer,
      closedAt: iso(f.closedAt),
    })),
    timeline: c.events.map((e) => ({ at: iso(e.createdAt), type: e.type })),
    createdAt: iso(c.createdAt),
  };
}

import { z } from "zod";

/**
 * The events an owner can subscribe an endpoint to: the one list the API's enum, the README and
 * the callers read.
 */
export const WebhookEvent = {
  customerCreated: "customer.created",
  profileUpdated: "profile.updated",
  purchaseRecorded: "purchase.recorded",
  pointsChanged: "points.changed",
  feedbackReceived: "feedback.received",
} as const;

export type WebhookEvent = (typeof WebhookEvent)[keyof typeof WebhookEvent];

export const webhookEvents = Object.values(WebhookEvent) as [WebhookEvent, ...WebhookEvent[]];

export const WebhookEventSchema = z.enum(webhookEvents);

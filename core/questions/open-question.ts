import { randomBytes } from "node:crypto";

/**
 * The one question open for a customer now (Customer.openQuestion): a typed answer or a button
 * is matched against it, so only one question is open at a time and a button of an older one
 * is recognised as stale by its token. Asking another question replaces it.
 */
export type OpenQuestion =
  | {
      kind: "question";
      token: string;
      questionId: string;
      key: string;
      /** The question's version when asked: an answer to an older text or type is refused. */
      version: number;
      /** Asked as part of this survey; null = a progressive question. */
      surveyId: string | null;
      askedAt: string;
    }
  | {
      /** "How was your visit?" after a purchase. */
      kind: "feedback";
      token: string;
      purchaseId: string;
      scale: "rating" | "nps";
      askedAt: string;
    }
  | {
      /** "What went wrong?" after a low score: the next text is the comment. */
      kind: "feedback_comment";
      token: string;
      feedbackId: string;
      askedAt: string;
    };

/** A short random token: callback data has 64 bytes for it and the answer. */
export function newQuestionToken(): string {
  return randomBytes(6).toString("base64url");
}

/** The stored value read back leniently: anything else than a known shape is no open question. */
export function readOpenQuestion(stored: unknown): OpenQuestion | null {
  if (!stored || typeof stored !== "object") return null;
  const value = stored as Partial<OpenQuestion>;
  if (typeof value.token !== "string") return null;
  if (value.kind === "question" || value.kind === "feedback" || value.kind === "feedback_comment")
    return value as OpenQuestion;
  return null;
}

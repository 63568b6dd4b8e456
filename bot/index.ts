import {
  type ConversationData,
  conversations,
  createConversation,
  type VersionedState,
} from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, lazySession } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { blockedDetector } from "./blocked-detector.ts";
import { chatKey } from "./chat-key.ts";
import type { BotContext, BotDeps, SessionData } from "./context.ts";
import { BROADCAST, createBroadcast } from "./conversations/broadcast.ts";
import { createEditProfile, EDIT_PROFILE } from "./conversations/edit-profile.ts";
import { createFeedbackReply, FEEDBACK_REPLY } from "./conversations/feedback-reply.ts";
import { conversationLocale } from "./conversations/locale.ts";
import { createMergeCards, MERGE_CARDS } from "./conversations/merge-cards.ts";
import { createOnboarding, ONBOARDING } from "./conversations/onboarding.ts";
import { createStaffPurchase, STAFF_PURCHASE } from "./conversations/staff-purchase.ts";
import { createStaffRefund, STAFF_REFUND } from "./conversations/staff-refund.ts";
import type { StepContext } from "./conversations/steps.ts";
import { createWalkIn, WALK_IN } from "./conversations/walk-in.ts";
import { campaignButtonsFeature } from "./features/campaign-buttons.ts";
import { chatMemberFeature } from "./features/chat-member.ts";
import { feedbackFeature } from "./features/feedback.ts";
import { helpFeature } from "./features/help.ts";
import { cardFeature } from "./features/menu/card.ts";
import { historyFeature } from "./features/menu/history.ts";
import { inviteFeature } from "./features/menu/invite.ts";
import { myDataFeature } from "./features/menu/my-data.ts";
import { profileFeature } from "./features/menu/profile.ts";
import { rewardsFeature } from "./features/menu/rewards.ts";
import { settingsFeature } from "./features/menu/settings.ts";
import { questionsFeature } from "./features/questions.ts";
import { staffBroadcastFeature } from "./features/staff/broadcast.ts";
import { staffInviteFeature } from "./features/staff/invite.ts";
import { staffLookupFeature, staffStartFeature } from "./features/staff/lookup.ts";
import { staffMergeFeature } from "./features/staff/merge.ts";
import { staffPurchaseFeature } from "./features/staff/purchase.ts";
import { staffRewardFeature } from "./features/staff/reward-codes.ts";
import { staffWalkInFeature } from "./features/staff/walk-in.ts";
import { leaveConversationsOnStart, startFeature } from "./features/start.ts";
import { unhandledFeature } from "./features/unhandled.ts";
import { unsubscribeFeature } from "./features/unsubscribe.ts";
import { errorHandler } from "./handlers/error.ts";
import { createI18n, type LocaleSource, supportedLanguages } from "./i18n.ts";
import type { InFlightUpdates } from "./in-flight.ts";
import { menuLabels } from "./keyboards/main-menu.ts";
import { attachDeps } from "./middlewares/attach-deps.ts";
import { loadCustomerMiddleware } from "./middlewares/load-customer.ts";
import { BotStateStorage, conversationStorage } from "./state-storage.ts";

/**
 * Update types the bot asks Telegram for; my_chat_member is not sent unless listed. Edits of old
 * messages are left out on purpose: an answer, once given, is saved, and an edit arriving while
 * a later question waits would only be misread as the answer to it.
 */
export const allowedUpdates = ["message", "callback_query", "my_chat_member"] as const;

/**
 * Bump when a conversation's code changes so that state saved by the old code is not replayed
 * into the new one (those conversations restart instead).
 */
export const CONVERSATIONS_VERSION = 3;

/**
 * A question left unanswered this long is dropped; the next /start resumes from what was saved.
 */
const CONVERSATION_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

export type CreateBotOptions = BotDeps & {
  token: string;
  apiRoot: string;
  /** The HTTP client for Bot API calls (bot/http-client.ts); grammY's own when left out. */
  fetch?: typeof fetch;
  /** Skips getMe on init (tests, benchmarks). */
  botInfo?: UserFromGetMe;
  /** Tracks updates being handled, so shutdown can wait for them. */
  inFlight?: InFlightUpdates;
  /** The translations, when the caller shares them (the outbox dispatcher speaks too). */
  i18n?: BotI18n;
};

export type BotI18n = ReturnType<typeof createI18n<LocaleSource>>;

export function createBot(options: CreateBotOptions): Bot<BotContext> {
  const { token, apiRoot, botInfo, inFlight, fetch, i18n: sharedI18n, ...deps } = options;
  const bot = new Bot<BotContext>(token, {
    client: {
      apiRoot,
      ...(fetch ? { fetch } : {}),
      // Answering a button press rides in the webhook response instead of a request of its
      // own: a wave of presses under a campaign costs one HTTP exchange each, not two. Only
      // this method: its result (always `true`) is never needed, and a failure to stop the
      // button's spinner is cosmetic (cosmetic.ts) — a webhook reply reports nothing back.
      canUseWebhookReply: (method) => method === "answerCallbackQuery",
    },
    ...(botInfo ? { botInfo } : {}),
  });

  // 429 retry_after and 5xx are retried by the HTTP client (bot/http-client.ts), which also
  // serves the conversations' own Api objects.
  bot.api.config.use(blockedDetector(deps.sql, deps.logger));

  if (inFlight) bot.use(inFlight.middleware);
  // One update at a time per chat: conversations and sessions are per-chat state.
  bot.use(sequentialize(chatKey));
  bot.use(attachDeps(deps));

  const conversationState = new BotStateStorage<VersionedState<ConversationData>>(
    deps.sql,
    "conversation",
  );
  const protectedBot = bot.errorBoundary(errorHandler);
  protectedBot.use(
    loadCustomerMiddleware((ctx) => {
      const key = chatKey(ctx);
      return key === undefined ? undefined : conversationState.key(key);
    }),
  );
  protectedBot.use(
    lazySession<SessionData, BotContext>({
      initial: () => ({}),
      getSessionKey: chatKey,
      storage: new BotStateStorage<SessionData>(deps.sql, "session"),
    }),
  );
  // One instance for outside and inside conversations: the locale files are read once.
  const i18n = sharedI18n ?? createI18n<LocaleSource>(deps.config.defaultLanguage);
  protectedBot.use(i18n);
  protectedBot.use(
    conversations<BotContext, BotContext>({
      storage: {
        type: "context",
        version: CONVERSATIONS_VERSION,
        adapter: conversationStorage(conversationState, chatKey),
      },
    }),
  );

  protectedBot.use(chatMemberFeature);
  protectedBot.use(leaveConversationsOnStart);
  const stepDeps = {
    ...deps,
    menuLabels: menuLabels((locale, key) => i18n.t(locale, key), supportedLanguages),
  };
  const inside = {
    // Inside a conversation only the plugins listed here run: i18n for every reply, in the
    // customer's own language rather than Telegram's (see conversations/locale.ts).
    plugins: (conversation: object) => [conversationLocale(conversation), i18n],
    maxMillisecondsToWait: CONVERSATION_TIMEOUT_MS,
  };
  protectedBot.use(
    createConversation<BotContext, StepContext>(createOnboarding(stepDeps), {
      id: ONBOARDING,
      ...inside,
    }),
  );
  protectedBot.use(
    createConversation<BotContext, StepContext>(createEditProfile(stepDeps), {
      id: EDIT_PROFILE,
      ...inside,
    }),
  );
  protectedBot.use(
    createConversation<BotContext, StepContext>(createStaffPurchase(stepDeps), {
      id: STAFF_PURCHASE,
      ...inside,
    }),
  );
  protectedBot.use(
    createConversation<BotContext, StepContext>(createStaffRefund(stepDeps), {
      id: STAFF_REFUND,
      ...inside,
    }),
  );
  // Staff answering a customer's low score.
  protectedBot.use(
    createConversation<BotContext, StepContext>(createFeedbackReply(stepDeps), {
      id: FEEDBACK_REPLY,
      ...inside,
    }),
  );
  // At the till: registering a walk-in, and merging two cards of one person.
  protectedBot.use(
    createConversation<BotContext, StepContext>(createWalkIn(stepDeps), { id: WALK_IN, ...inside }),
  );
  protectedBot.use(
    createConversation<BotContext, StepContext>(createMergeCards(stepDeps), {
      id: MERGE_CARDS,
      ...inside,
    }),
  );
  // Managers and owners broadcasting a campaign (/broadcast, the staff menu).
  protectedBot.use(
    createConversation<BotContext, StepContext>(createBroadcast(stepDeps), {
      id: BROADCAST,
      ...inside,
    }),
  );
  protectedBot.use(staffInviteFeature);
  protectedBot.use(staffStartFeature);
  protectedBot.use(startFeature);
  protectedBot.use(helpFeature);
  protectedBot.use(cardFeature);
  protectedBot.use(historyFeature);
  protectedBot.use(profileFeature);
  protectedBot.use(inviteFeature);
  protectedBot.use(settingsFeature);
  protectedBot.use(myDataFeature);
  protectedBot.use(rewardsFeature);
  // Presses under campaign messages, and leaving or rejoining the offers (/stop).
  protectedBot.use(campaignButtonsFeature);
  protectedBot.use(unsubscribeFeature);
  // After the menus (a menu button is never a comment), before the progressive questions.
  protectedBot.use(feedbackFeature);
  protectedBot.use(staffBroadcastFeature);
  protectedBot.use(staffPurchaseFeature);
  protectedBot.use(staffWalkInFeature);
  protectedBot.use(staffMergeFeature);
  protectedBot.use(staffRewardFeature);
  // After every other feature (menu buttons and commands are never answers), before the staff
  // lookup (staff answer their own questions with buttons; what they type is a lookup).
  protectedBot.use(questionsFeature);
  protectedBot.use(staffLookupFeature);
  protectedBot.use(unhandledFeature);
  return bot;
}

/**
 * Local emulator of the Telegram Bot API for tests, benchmarks and offline development.
 * See README.md in this folder for what it covers and what it does not.
 */
export type { ApiResponse } from "./api-error.ts";
export { createTelegramEmulator, TelegramEmulator } from "./emulator.ts";
export type {
  BotMessage,
  CallbackAnswer,
  ChatEvent,
  FaultKind,
  FaultSpec,
  RateLimitSpec,
  RecordedCall,
  ReplyButton,
  ReplyKeyboard,
  ReplyMarkup,
  TelegramEmulatorOptions,
  UploadedFile,
  UserProfile,
} from "./types.ts";
export type { NewUpdate } from "./update-queue.ts";
export { type ButtonTarget, type ContactToShare, SimulatedUser } from "./user.ts";
export { WebhookDeliveryError } from "./webhook.ts";

import { Composer } from "grammy";
import { setReachability } from "../../core/customers/reachability.ts";
import type { BotContext } from "../context.ts";

/**
 * Telegram sends my_chat_member when a person blocks ("kicked") or unblocks ("member") the bot
 * in their private chat. Campaigns then skip or include them again.
 */
export const chatMemberFeature = new Composer<BotContext>();

chatMemberFeature.chatType("private").on("my_chat_member", async (ctx) => {
  const status = ctx.myChatMember.new_chat_member.status;
  const reachable = status === "member" || status === "administrator";
  const changed = await setReachability(ctx.deps.sql, {
    telegramId: ctx.myChatMember.from.id,
    reachable,
    reason: "chat_member",
  });
  if (changed) ctx.logger.info({ reachable }, "customer reachability changed");
});

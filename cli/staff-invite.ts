import { parseArgs } from "node:util";
import { Api } from "grammy";
import type { Actor } from "../core/access/permissions.ts";
import { StaffRoles } from "../core/access/roles.ts";
import { staffInviteLink } from "../core/customers/deep-link.ts";
import { DEFAULT_INVITE_HOURS, inviteStaff } from "../core/staff/invite-staff.ts";
import { fail, openCliDatabase } from "./open-cli-database.ts";

/**
 * `npm run staff:invite -- --role owner --name "Anna"`: a one-time staff invite link, for the
 * very first owner (before anyone can call the API) or whenever a shell is handier. It writes to
 * the database directly, so with the embedded database the app must be stopped first.
 */
const usage = `Usage: npm run staff:invite -- --role owner|manager|cashier --name "Full name" [--hours ${DEFAULT_INVITE_HOURS}]`;

let args: { role?: string; name?: string; hours?: string; help?: boolean };
try {
  ({ values: args } = parseArgs({
    options: {
      role: { type: "string" },
      name: { type: "string" },
      hours: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`, 64);
}
if (args.help) fail(usage, 0);
const role = StaffRoles.find((known) => known === args.role?.toUpperCase());
if (!role) fail(`--role must be one of: owner, manager, cashier.\n${usage}`, 64);
const name = args.name?.trim();
if (!name || name.length > 100) fail(`--name must be 1 to 100 characters.\n${usage}`, 64);
const hours = args.hours === undefined ? DEFAULT_INVITE_HOURS : Number(args.hours);
if (!Number.isInteger(hours) || hours < 1 || hours > 720) {
  fail(`--hours must be a whole number of hours from 1 to 720.\n${usage}`, 64);
}

const { config, db } = await openCliDatabase((url) =>
  [
    `  curl -X POST ${url}/api/staff/invites \\`,
    '    -H "Authorization: Bearer $ADMIN_TOKEN" -H "content-type: application/json" \\',
    `    -d '{"name": ${JSON.stringify(name)}, "role": "${role}"}'`,
  ].join("\n"),
);

const cli: Actor = { staffId: null, role: "OWNER", via: "cli" };
const invite = await inviteStaff(db.sql, { actor: cli, name, role, validHours: hours });
await db.close();

const until = new Intl.DateTimeFormat("en-GB", {
  timeZone: config.timeZone,
  dateStyle: "medium",
  timeStyle: "short",
}).format(invite.expiresAt);
const command = `/start staff_${invite.code}`;
const username = config.botToken
  ? await new Api(config.botToken, { apiRoot: config.botApiRoot, timeoutSeconds: 10 })
      .getMe()
      .then((me) => me.username)
      .catch(() => undefined)
  : undefined;

const lines = [`Invite for ${name} (${role}), valid once until ${until} (${config.timeZone}):`];
if (username) {
  lines.push(`  ${staffInviteLink(username, invite.code)}`);
  lines.push("Open the link in Telegram on the account that will use it.");
  lines.push(`Or send this to the bot from that account: ${command}`);
} else {
  lines.push(`  ${command}`);
  lines.push(
    config.botToken
      ? "Telegram did not answer, so here is the command: send it to the bot from the account that will use it."
      : "No BOT_TOKEN is set: send this to the bot in `npm run chat`.",
  );
}
process.stdout.write(`${lines.join("\n")}\n`);

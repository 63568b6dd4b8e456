import type { Actor } from "./permissions.ts";

/**
 * The program itself acting under the owner's rules, with no person behind it: a bonus the
 * owner set up earlier (a survey's completion bonus) is credited when the customer earns it.
 * It holds the owner's role because the owner decided the bonus; it has no staff id and no
 * card of its own, so `requireNotOwnCard` never refuses it: a staff member who finishes a
 * survey as a customer earns its bonus like anyone else. The audit log shows it as
 * "system:<what>".
 */
export function systemActor(what: string): Actor {
  return { staffId: null, role: "OWNER", via: `system:${what}`, ownCustomerId: null };
}

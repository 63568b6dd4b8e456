import { z } from "@hono/zod-openapi";
import { Permission } from "../../core/access/permissions.ts";
import { StaffRoles } from "../../core/access/roles.ts";
import { staffInviteLink } from "../../core/customers/deep-link.ts";
import type { StaffMember } from "../../core/db/client.ts";
import { disableStaff } from "../../core/staff/disable-staff.ts";
import { DEFAULT_INVITE_HOURS, inviteStaff } from "../../core/staff/invite-staff.ts";
import { listStaff } from "../../core/staff/list-staff.ts";
import { apiActor } from "../auth.ts";
import type { ApiDeps } from "../context.ts";
import { apiRoute, apiRouter, errorResponse, json, jsonBody } from "../openapi.ts";

const RoleSchema = z.enum(StaffRoles).openapi("StaffRole");

const StaffSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: RoleSchema,
    active: z.boolean(),
    /** Whether a Telegram account is linked (staff join by opening their invite link). */
    telegramLinked: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("StaffMember");

function present(staff: StaffMember): z.infer<typeof StaffSchema> {
  return {
    id: staff.id,
    name: staff.name,
    role: staff.role,
    active: staff.active,
    telegramLinked: staff.telegramId !== null,
    createdAt: staff.createdAt.toISOString(),
    updatedAt: staff.updatedAt.toISOString(),
  };
}

const createInvite = apiRoute({
  method: "post",
  path: "/invites",
  permission: Permission.manageStaff,
  summary: "Invite a staff member",
  description: `A one-time link: whoever opens it in Telegram becomes this staff member. It works once, for ${DEFAULT_INVITE_HOURS} hours unless \`validHours\` says otherwise.`,
  request: {
    body: jsonBody(
      z.strictObject({
        name: z.string().trim().min(1).max(100),
        role: RoleSchema,
        validHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 30)
          .optional(),
      }),
    ),
  },
  responses: {
    201: json(
      z.object({
        link: z.url().openapi({ example: "https://t.me/aurora_bot?start=staff_K7M2Q9XW4RTP8HNV" }),
        expiresAt: z.iso.datetime(),
        inviteId: z.uuid(),
      }),
      "The invite link, shown this once",
    ),
  },
});

const list = apiRoute({
  method: "get",
  path: "/",
  permission: Permission.manageStaff,
  summary: "List staff",
  responses: { 200: json(z.object({ staff: z.array(StaffSchema) }), "Every staff member") },
});

const disable = apiRoute({
  method: "delete",
  path: "/{id}",
  permission: Permission.manageStaff,
  summary: "Disable a staff member",
  description:
    "Takes access away at once: their next tap in the bot says so, and their API tokens stop working. Their records stay.",
  request: { params: z.object({ id: z.uuid("must be a staff member id (UUID)") }) },
  responses: {
    200: json(z.object({ staff: StaffSchema }), "The staff member, now disabled"),
    404: errorResponse("No staff member with this id"),
    409: errorResponse("Staff cannot disable themselves"),
  },
});

/** /api/staff: invites, the list, and disabling. */
export function staffRoutes(deps: ApiDeps) {
  return apiRouter()
    .openapi(createInvite, async (c) => {
      const body = c.req.valid("json");
      const invite = await inviteStaff(deps.sql, {
        actor: await apiActor(c, deps),
        name: body.name,
        role: body.role,
        ...(body.validHours ? { validHours: body.validHours } : {}),
      });
      return c.json(
        {
          link: staffInviteLink(deps.botUsername, invite.code),
          expiresAt: invite.expiresAt.toISOString(),
          inviteId: invite.inviteId,
        },
        201,
      );
    })
    .openapi(list, async (c) => {
      const staff = await listStaff(deps.sql, { actor: await apiActor(c, deps) });
      return c.json({ staff: staff.map(present) }, 200);
    })
    .openapi(disable, async (c) => {
      const staff = await disableStaff(deps.sql, {
        actor: await apiActor(c, deps),
        staffId: c.req.valid("param").id,
      });
      return c.json({ staff: present(staff) }, 200);
    });
}

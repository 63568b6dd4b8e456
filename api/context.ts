import type { Config } from "../config.ts";
import type { Principal } from "../core/access/authenticate.ts";
import type { PrismaClient } from "../core/db/client.ts";
import type { Logger } from "../core/logger.ts";

export type ApiDeps = {
  db: PrismaClient;
  config: Config;
  logger: Logger;
  /** Database liveness for /healthz. */
  ping(): Promise<void>;
};

export type ApiEnv = {
  Variables: {
    principal: Principal;
  };
};

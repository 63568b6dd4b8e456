import type { DedicatedConnection } from "../db/database.ts";
import type { Logger } from "../logger.ts";

/**
 * Which process runs the scheduled jobs. Several processes may serve one PostgreSQL database
 * (webhook replicas, a rolling deploy); each job must still fire once per trigger, so only the
 * leader triggers them. The jobs are safe to run twice anyway (dedupe keys, ledger keys, job
 * locks): leadership saves the duplicate work, it is not what keeps messages single.
 */
export type Leadership = {
  isLeader(): boolean;
  /** Starts campaigning; `onChange` hears every gain and loss of the leadership. */
  start(onChange: (leader: boolean) => void): void;
  /** Gives the leadership up (another process takes it within its retry interval). */
  stop(): Promise<void>;
};

/** PGlite: one process owns the data directory, so it is the leader from the start. */
export function soleLeader(): Leadership {
  let leader = false;
  return {
    isLeader: () => leader,
    start(onChange) {
      leader = true;
      onChange(true);
    },
    async stop() {
      leader = false;
    },
  };
}

/** The lock's key: a two-part key, apart from the one-part keys of migrations and job locks. */
const LOCK_CLASS = 0x4c4f59; // "LOY"
const LOCK_OBJECT = 1;

/**
 * PostgreSQL: the leader is the process holding a session-level advisory lock on a connection
 * of its own, kept for the process's life. The others try again every `retryMs`. The lock goes
 * with its session: a leader whose connection breaks (or whose process dies) loses it at once
 * on the server's side, and on its own side as soon as the driver reports the break or the
 * leader's periodic check fails. A stopping leader unlocks by closing the connection.
 */
export function advisoryLockLeader(options: {
  connect: () => Promise<DedicatedConnection>;
  logger: Logger;
  retryMs?: number;
}): Leadership {
  const retryMs = options.retryMs ?? 10_000;
  let leader = false;
  let stopped = true;
  let connection: DedicatedConnection | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;
  let notify: (leader: boolean) => void = () => {};

  const setLeader = (value: boolean) => {
    if (leader === value) return;
    leader = value;
    options.logger.info(
      { leader },
      value ? "scheduler leadership taken" : "scheduler leadership lost",
    );
    notify(value);
  };

  const drop = async () => {
    const old = connection;
    connection = undefined;
    setLeader(false);
    await old?.close();
  };

  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      attempt = tick().finally(() => {
        attempt = undefined;
        next();
      });
    }, retryMs);
    timer.unref();
  };

  async function tick(): Promise<void> {
    try {
      if (!connection) {
        const opened = await options.connect();
        if (stopped) return void (await opened.close());
        opened.onLost((error) => {
          if (connection !== opened) return;
          options.logger.warn({ err: error }, "scheduler leader connection lost");
          void drop();
        });
        connection = opened;
      }
      if (leader) {
        // Still ours? A half-open connection shows here rather than never.
        await connection.query("SELECT 1");
        return;
      }
      const [row] = await connection.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock($1, $2) AS locked",
        [LOCK_CLASS, LOCK_OBJECT],
      );
      if (row?.locked && !stopped) setLeader(true);
    } catch (error) {
      options.logger.warn({ err: error }, "scheduler leader election failed; retrying");
      await drop();
    }
  }

  return {
    isLeader: () => leader,
    start(onChange) {
      if (!stopped) return;
      stopped = false;
      notify = onChange;
      attempt = tick().finally(() => {
        attempt = undefined;
        next();
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      await drop();
    },
  };
}

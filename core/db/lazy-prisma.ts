import type { PrismaClient } from "./client.ts";

/**
 * A PrismaClient that loads itself on first use. Loading Prisma's client engine costs about
 * 350 ms and 75 MB (its query compiler is WebAssembly), and a process that only serves bot
 * updates never needs it: those go through `Sql`. The admin API, exports and tests use this
 * exactly like a PrismaClient; their first query pays the load.
 *
 * Every model method and `$`-method is forwarded once the client is there. Not supported:
 * `$transaction([...])` with an array of queries (the queries are already running promises
 * here); use the callback form, which works.
 */
export type LazyPrisma = {
  client: PrismaClient;
  /** True once something has used the client. */
  readonly loaded: boolean;
  /** Disconnects the client if it was ever loaded. */
  dispose(): Promise<void>;
};

export function lazyPrisma(create: () => Promise<PrismaClient>): LazyPrisma {
  let loading: Promise<PrismaClient> | undefined;
  const load = () => {
    loading ??= create();
    return loading;
  };
  type AnyFunction = (...args: unknown[]) => unknown;
  const call = (path: [string] | [string, string], args: unknown[]) =>
    load().then((client) => {
      const root = client as unknown as Record<string, unknown>;
      const owner = (path.length === 1 ? root : root[path[0]]) as Record<string, AnyFunction>;
      const method = owner[path.at(-1) as string];
      if (typeof method !== "function")
        throw new TypeError(`prisma.${path.join(".")} is not a function`);
      return method.apply(owner, args);
    });

  const delegates = new Map<string, object>();
  const delegate = (model: string) => {
    let proxy = delegates.get(model);
    if (!proxy) {
      proxy = new Proxy(
        {},
        {
          get: (_target, method) =>
            typeof method === "string"
              ? (...args: unknown[]) => call([model, method], args)
              : undefined,
        },
      );
      delegates.set(model, proxy);
    }
    return proxy;
  };

  const client = new Proxy(
    {},
    {
      get(_target, property) {
        if (typeof property !== "string" || property === "then") return undefined;
        if (property.startsWith("$")) return (...args: unknown[]) => call([property], args);
        return delegate(property);
      },
    },
  ) as PrismaClient;

  return {
    client,
    get loaded() {
      return loading !== undefined;
    },
    async dispose() {
      if (loading) await (await loading).$disconnect();
    },
  };
}

import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";

type FetchHandler = Parameters<typeof serve>[0]["fetch"];

export interface RunningServer {
  /** e.g. "http://127.0.0.1:38211" */
  url: string;
  close(): Promise<void>;
}

/** Starts a Node HTTP server for a fetch handler (e.g. a Hono app); resolves once listening. */
export function startServer(
  fetch: FetchHandler,
  host: string,
  port: number,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server: ServerType = serve({ fetch, hostname: host, port }, (info) => {
      server.off("error", reject);
      const address = info as AddressInfo;
      const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({ url: `http://${urlHost}:${address.port}`, close: () => closeServer(server) });
    });
    server.once("error", reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets and hanging long polls would otherwise hold close() open.
    if ("closeAllConnections" in server) server.closeAllConnections();
  });
}

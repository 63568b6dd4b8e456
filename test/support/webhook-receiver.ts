import { createServer, type IncomingHttpHeaders } from "node:http";
import { verifyWebhookSignature } from "../../core/webhooks/signature.ts";

export type ReceivedWebhook = {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The X-Webhook-Signature checked against the secret the test gave. */
  signed: boolean;
  answered: number;
};

/**
 * A webhook receiver on a free loopback port, as an integrator would run one: it checks each
 * request's signature and answers with the status `answer` picks for it (per path, per count).
 */
export async function startWebhookReceiver(
  answer: (path: string, nth: number) => number = () => 200,
) {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = secrets.get(path) ?? "";
      const signature = String(request.headers["x-webhook-signature"] ?? "");
      const nth = received.filter((r) => r.path === path).length + 1;
      const status = answer(path, nth);
      received.push({
        path,
        headers: request.headers,
        body,
        signed: verifyWebhookSignature(secret, body, signature),
        answered: status,
      });
      response.writeHead(status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    /** The secret requests to `path` must be signed with. */
    expectSecret(path: string, secret: string) {
      secrets.set(path, secret);
    },
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

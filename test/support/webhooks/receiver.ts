/**
 * A real webhook receiver for tests: node:http on a free loopback port, recording every request
 * (headers and raw body) and answering as told: a status, or "hang" (no answer until closed).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceiverAnswer = number | "hang";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly atMs: number;
  readonly answer: ReceiverAnswer;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers for the next requests, in order; once used up, `fallback` answers. */
  readonly script: ReceiverAnswer[];
  fallback: ReceiverAnswer;
  /** Waits before answering each request (ms). */
  answerDelayMs: number;
  /** The requests' parsed bodies. */
  events(): { id: string; type: string; createdAt: string; data: Record<string, unknown> }[];
  /** Resolves once `count` requests arrived (or rejects after `timeoutMs`). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = "/hook"): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Omit<Receiver, "url" | "close"> = {
    requests: [],
    script: [],
    fallback: 200,
    answerDelayMs: 0,
    events: () => receiver.requests.map((request) => JSON.parse(request.body)),
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(
            `receiver: condition not met in ${timeoutMs} ms (${receiver.requests.length} requests)`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = receiver.script.shift() ?? receiver.fallback;
    receiver.requests.push({
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      atMs: Date.now(),
      answer,
    });
    if (answer === "hang") {
      hanging.add(response);
      return;
    }
    if (receiver.answerDelayMs > 0)
      await new Promise((resolve) => setTimeout(resolve, receiver.answerDelayMs));
    response.writeHead(answer, { "content-type": "text/plain" });
    response.end(answer >= 200 && answer < 300 ? "ok" : "no");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as Receiver;
}

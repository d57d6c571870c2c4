/**
 * A JSON-RPC endpoint in front of a node that misbehaves on demand:
 * - "hang": accepts the connection and the request, and never answers;
 * - "stale": answers from an older view of the chain, frozen at block `frozenAt` (a node that
 *   lags, or was restored from an old snapshot): the head is that block, later blocks and the
 *   receipts of transactions mined after it do not exist, nonces and balances are as of it.
 *   Transactions sent to it still reach the node (a lagging node still relays);
 * - "pass": forwards everything.
 * Batched requests (ethers sends them) are answered element by element.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface RpcRequest {
  readonly jsonrpc: "2.0";
  readonly id: number | string | null;
  readonly method: string;
  readonly params?: unknown[];
}

interface RpcAnswer {
  readonly jsonrpc: "2.0";
  readonly id: number | string | null;
  readonly result?: unknown;
  readonly error?: unknown;
}

export type RpcMode =
  | { readonly kind: "pass" | "hang" }
  | { readonly kind: "stale"; frozenAt: number };

const hex = (n: number) => `0x${n.toString(16)}`;

export class JsonRpcProxy {
  readonly url: string;
  mode: RpcMode = { kind: "pass" };
  /** Requests answered by the frozen view, by method; and requests left hanging. */
  readonly served = new Map<string, number>();
  readonly #server: Server;
  readonly #target: string;
  readonly #hanging = new Set<ServerResponse>();

  private constructor(server: Server, target: string, url: string) {
    this.#server = server;
    this.#target = target;
    this.url = url;
  }

  static async start(target: string): Promise<JsonRpcProxy> {
    let proxy: JsonRpcProxy | undefined;
    const server = createServer((request, response) => {
      proxy?.handle(request, response).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    proxy = new JsonRpcProxy(server, target, `http://127.0.0.1:${port}`);
    return proxy;
  }

  /** Freezes the view at the node's current head (or at `blockNumber`). */
  async freeze(blockNumber?: number): Promise<number> {
    const frozenAt = blockNumber ?? Number(await this.#forward("eth_blockNumber", []));
    this.mode = { kind: "stale", frozenAt };
    return frozenAt;
  }

  async stop(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #count(key: string): void {
    this.served.set(key, (this.served.get(key) ?? 0) + 1);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const mode = this.mode;
    if (mode.kind === "hang") {
      // Never answered; the caller's timeout is all that ends it.
      this.#count("hang");
      this.#hanging.add(response);
      response.once("close", () => this.#hanging.delete(response));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
    const answer = Array.isArray(body)
      ? await Promise.all(body.map((one) => this.#answer(one, mode)))
      : await this.#answer(body, mode);
    const out = Buffer.from(JSON.stringify(answer));
    response.writeHead(200, { "content-type": "application/json", "content-length": out.length });
    response.end(out);
  }

  async #answer(request: RpcRequest, mode: RpcMode): Promise<RpcAnswer> {
    const { id, method } = request;
    const params = request.params ?? [];
    if (mode.kind !== "stale") return this.#raw(request);
    const frozen = mode.frozenAt;
    const result = (value: unknown): RpcAnswer => {
      this.#count(method);
      return { jsonrpc: "2.0", id, result: value };
    };
    const after = (block: { number?: string } | null) =>
      block !== null && Number(block.number ?? 0) > frozen;
    switch (method) {
      case "eth_blockNumber":
        return result(hex(frozen));
      case "eth_getBlockByNumber": {
        const [tag, full] = params;
        const wanted = typeof tag === "string" && tag.startsWith("0x") ? Number(tag) : frozen;
        if (wanted > frozen) return result(null);
        return result(await this.#forward(method, [hex(wanted), full ?? false]));
      }
      case "eth_getBlockByHash": {
        const block = (await this.#forward(method, params)) as { number?: string } | null;
        return result(after(block) ? null : block);
      }
      case "eth_getTransactionReceipt": {
        const receipt = (await this.#forward(method, params)) as { blockNumber?: string } | null;
        return result(
          receipt !== null && Number(receipt.blockNumber ?? 0) > frozen ? null : receipt,
        );
      }
      case "eth_getTransactionCount":
      case "eth_getBalance":
        return result(await this.#forward(method, [params[0], hex(frozen)]));
      default:
        return this.#raw(request);
    }
  }

  async #raw(request: RpcRequest): Promise<RpcAnswer> {
    const response = await fetch(this.#target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    return (await response.json()) as RpcAnswer;
  }

  async #forward(method: string, params: unknown[]): Promise<unknown> {
    const answer = await this.#raw({ jsonrpc: "2.0", id: 1, method, params });
    if (answer.error !== undefined) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
    return answer.result;
  }
}

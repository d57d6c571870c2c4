// Errors as the anchorer logs them: a real ethers error from a real endpoint that refuses (its
// message and fields quote the endpoint's URL, with the provider key in it), through a real
// Powertools logger, must not carry the key; the host stays, for the operator.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Logger } from "@aws-lambda-powertools/logger";
import { FetchRequest, JsonRpcProvider } from "ethers";
import { FailoverAnchorChain } from "../../shared/adapters/chain/failover-anchor-chain.ts";
import { loggableError, withoutUrlDetails } from "../../shared/observability/loggable-error.ts";

const PROVIDER_KEY = "k3yFromTheProvider0123456789abcdef";
let server: ReturnType<typeof createServer>;
let host: string;

before(async () => {
  server = createServer((_request, response) => {
    response.writeHead(401, { "content-type": "application/json" });
    response.end('{"error":"bad key"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function ethersError(url: string): Promise<unknown> {
  const provider = new JsonRpcProvider(new FetchRequest(url), 31337, { staticNetwork: true });
  try {
    await provider.getBlockNumber();
    assert.fail("the endpoint answered");
  } catch (error) {
    return error;
  } finally {
    provider.destroy();
  }
}

/** What a Powertools logger prints for `fields` (its JSON line; warnings go to stderr). */
function logged(fields: Record<string, unknown>): string {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  try {
    new Logger({ serviceName: "stele", logLevel: "DEBUG" }).warn("RPC endpoint failed", fields);
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
  }
  return lines.join("");
}

describe("errors in log lines", () => {
  for (const [where, url] of [
    ["path", () => `http://${host}/v2/${PROVIDER_KEY}`],
    ["query", () => `http://${host}/rpc?apikey=${PROVIDER_KEY}&x=1`],
    ["user info", () => `http://user:${PROVIDER_KEY}@${host}/`],
  ] as const) {
    it(`keeps an RPC provider key in the URL's ${where} out of the log line`, async () => {
      const error = await ethersError(url());
      // What the anchorer logged before: the raw error quotes the key.
      if (where !== "user info")
        assert.ok(logged({ error }).includes(PROVIDER_KEY), "the raw error");
      const line = logged({ error: loggableError(error) });
      assert.ok(!line.includes(PROVIDER_KEY), line);
      assert.ok(line.includes(host), "the host stays");
      assert.match(line, /401 Unauthorized/, "and what went wrong");
    });
  }

  it("cuts the URLs of every endpoint an AggregateError of the failover holds", async () => {
    const failing = (n: number) => ({
      chainId: 31337,
      contract: "0x0000000000000000000000000000000000000001",
      headNumber: async () => {
        throw await ethersError(`http://${host}/v3/${PROVIDER_KEY}-${n}`);
      },
    });
    const chain = new FailoverAnchorChain([failing(1), failing(2)] as never);
    const error = await chain.headNumber().then(
      () => assert.fail("answered"),
      (thrown: unknown) => thrown,
    );
    const line = logged({ error: loggableError(error) });
    assert.ok(!line.includes(PROVIDER_KEY), line);
    assert.match(line, /failed on all 2 RPC endpoints/);
  });

  it("cuts URLs in plain text and thrown non-errors", () => {
    assert.equal(
      withoutUrlDetails('x "https://a:b@eth.example:8545/v2/KEY?q=1" y wss://ws.example/KEY,'),
      'x "https://eth.example:8545" y wss://ws.example,',
    );
    assert.equal(
      loggableError(`at https://eth.example/v2/${PROVIDER_KEY}`),
      "at https://eth.example",
    );
  });
});

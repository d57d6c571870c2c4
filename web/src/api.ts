/** The two reads the page makes of a Stele API: an entry's proof bundle and the log's identity. */
import { InvalidBundleError, parseBundle } from "../../shared/domain/proof/bundle-codec.ts";
import type { ProofBundle } from "../../shared/domain/proof/bundle-schema.ts";

/** The log's published identity (GET /v1/log), as far as the page uses it. */
export interface PublishedLog {
  readonly checkpointSigner?: string;
  readonly chains: readonly { readonly chainId: number; readonly confirmations?: number }[];
}

/** Why a proof could not be fetched, in words for the person at the page. */
export class FetchProofError extends Error {
  /** `key` when an API key (or another one) would help. */
  readonly needs: "key" | "retry" | "other";

  constructor(message: string, needs: "key" | "retry" | "other") {
    super(message);
    this.name = "FetchProofError";
    this.needs = needs;
  }
}

/** `https://api.example` from what a person may type: trailing slashes and `/v1` dropped. */
export function apiBase(url: string): string {
  return url.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
}

async function problemDetail(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: unknown; title?: unknown };
    const text = body.detail ?? body.title;
    return typeof text === "string" ? `: ${text}` : "";
  } catch {
    return "";
  }
}

/** GET {api}/v1/entries/{id}/proof, with the API key as a Bearer token when there is one. */
export async function fetchProof(
  api: string,
  entryId: string,
  apiKey: string,
): Promise<ProofBundle> {
  const url = `${apiBase(api)}/v1/entries/${encodeURIComponent(entryId)}/proof`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: apiKey === "" ? {} : { authorization: `Bearer ${apiKey}` },
    });
  } catch (error) {
    throw new FetchProofError(
      `Could not reach ${apiBase(api)}: ${(error as Error).message}. Check the API URL (and that the API allows requests from this page).`,
      "other",
    );
  }
  if (response.status === 401) {
    throw new FetchProofError(
      apiKey === ""
        ? "This API needs an API key to read entries: type it and fetch again."
        : "The API did not accept this API key: check it and fetch again.",
      "key",
    );
  }
  if (response.status === 403) {
    throw new FetchProofError(
      "This API key may not read entries (it lacks the read scope): use another key.",
      "key",
    );
  }
  if (response.status === 404) {
    throw new FetchProofError(`The API knows no entry ${entryId}.`, "other");
  }
  if (response.status === 425) {
    const after = response.headers.get("retry-after");
    throw new FetchProofError(
      `Entry ${entryId} is not covered by a signed checkpoint yet: retry${after === null ? " shortly" : ` in ${after} s`}.`,
      "retry",
    );
  }
  if (!response.ok) {
    throw new FetchProofError(
      `The API answered HTTP ${response.status}${await problemDetail(response)}.`,
      "other",
    );
  }
  try {
    return parseBundle(await response.json());
  } catch (error) {
    const reason = error instanceof InvalidBundleError ? error.message : (error as Error).message;
    throw new FetchProofError(`The API's answer is ${reason}`, "other");
  }
}

/** GET {api}/v1/log; undefined when the API cannot be read (the page then asks the person). */
export async function fetchPublishedLog(api: string): Promise<PublishedLog | undefined> {
  try {
    const response = await fetch(`${apiBase(api)}/v1/log`);
    if (!response.ok) return undefined;
    const body = (await response.json()) as {
      checkpointSigner?: unknown;
      chains?: { chainId?: unknown; confirmations?: unknown }[];
    };
    const chains = Array.isArray(body.chains)
      ? body.chains.flatMap((chain) =>
          typeof chain.chainId === "number"
            ? [
                {
                  chainId: chain.chainId,
                  ...(typeof chain.confirmations === "number"
                    ? { confirmations: chain.confirmations }
                    : {}),
                },
              ]
            : [],
        )
      : [];
    return {
      ...(typeof body.checkpointSigner === "string"
        ? { checkpointSigner: body.checkpointSigner }
        : {}),
      chains,
    };
  } catch {
    return undefined;
  }
}

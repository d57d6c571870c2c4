/** Every GET route of the HTTP API, and the 404/405 answers for the rest: wiring only. */
import { Logger } from "@aws-lambda-powertools/logger";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { systemClock } from "../../shared/adapters/system/system-clock.ts";
import { CachedLogReads, cachedRecentAnchors } from "../../shared/app/cached-log-reads.ts";
import { getCertificate } from "../../shared/app/certificate.ts";
import { listCheckpoints } from "../../shared/app/list-checkpoints.ts";
import { findByContentHash, getEntry, getProof } from "../../shared/app/read-entries.ts";
import { getConsistency, getLatestCheckpoint } from "../../shared/app/read-log.ts";
import {
  DEFAULT_SUBJECT_PAGE,
  listSubjectEntries,
  MAX_SUBJECT_PAGE,
} from "../../shared/app/read-subjects.ts";
import { readTile } from "../../shared/app/read-tiles.ts";
import { loadConfig } from "../../shared/config.ts";
import { DEFAULT_LEDGER, LEDGER_NAME } from "../../shared/domain/ledger/ledger-name.ts";
import { parseTilePath } from "../../shared/domain/merkle/tile-id.ts";
import { checkpointNote } from "../../shared/domain/proof/checkpoint-note.ts";
import { SUBJECT_NAME, SUBJECT_NAME_RULE } from "../../shared/domain/subjects/subject-name.ts";
import { ApiKeyGuard, readerOf } from "../../shared/http/auth.ts";
import { certificatePageHtml } from "../../shared/http/certificate/certificate-page.ts";
import { qrCodeSvg } from "../../shared/http/certificate/qr-code.ts";
import { dispatch } from "../../shared/http/dispatch.ts";
import { errorMiddleware } from "../../shared/http/error-middleware.ts";
import { HttpError } from "../../shared/http/http-error.ts";
import { openApiDocument } from "../../shared/http/openapi/document.ts";
import { referencePageHtml } from "../../shared/http/openapi/reference-page.ts";
import {
  binaryResponse,
  htmlResponse,
  jsonResponse,
  textResponse,
} from "../../shared/http/problem.ts";
import { requestBaseUrl } from "../../shared/http/request.ts";
import { startTracing } from "../../shared/observability/tracing.ts";
import { createCheckpointSigner, createStore, ledgerOrigin } from "../../shared/wiring.ts";

const config = loadConfig(process.env);
const logger = new Logger({ serviceName: "stele" });
const tracing = await startTracing(process.env);
const clients = tracing.clients;
const store = createStore(config, clients);
const signer = createCheckpointSigner(config, clients);
const originOf = ledgerOrigin(config);
const guard = new ApiKeyGuard(store, systemClock.nowMs);
// Proofs read tiles and the head through a per-container cache (see CachedLogReads).
const cachedLog = new CachedLogReads(store, systemClock, { maxTiles: 4096, headMaxAgeMs: 500 });
// Anchor records are read through the same short-lived cache as the head.
const anchors =
  config.STELE_CHAINS.length === 0
    ? undefined
    : {
        store: cachedRecentAnchors(store, systemClock, 500),
        chainIds: config.STELE_CHAINS.map((chain) => chain.chainId),
      };
// The log's published chains (GET /v1/log), in the order of STELE_CHAINS.
const publishedChains = config.STELE_CHAINS.map(({ chainId, contract, confirmations }) => ({
  chainId,
  contract,
  confirmations,
}));
// The API's description depends on the code only: built at its first request (not at import,
// which every cold start of a proof read would pay) and kept for the container's life.
let description: { document: ReturnType<typeof openApiDocument>; page: string } | undefined;
function apiDescription() {
  if (description === undefined) {
    const document = openApiDocument();
    description = { document, page: referencePageHtml(document) };
  }
  return description;
}
const deps = { entries: store, log: cachedLog, ...(anchors === undefined ? {} : { anchors }) };

function pathParam(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new Error(`route ${event.routeKey} has no {${name}}`);
  return value;
}

function ledgerParam(event: APIGatewayProxyEventV2): string {
  const ledger = pathParam(event, "ledger");
  if (!LEDGER_NAME.test(ledger))
    throw new HttpError(404, `there is no ledger ${JSON.stringify(ledger)}`);
  return ledger;
}

/** A query parameter that must be a whole number, or a 400 naming it. */
function countParam(event: APIGatewayProxyEventV2, name: string): number {
  const text = event.queryStringParameters?.[name];
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) {
    throw new HttpError(400, `${name} must be a whole number`, {
      errors: [{ path: name, message: "a whole number" }],
    });
  }
  return Number(text);
}

function booleanParam(event: APIGatewayProxyEventV2, name: string): boolean {
  const text = event.queryStringParameters?.[name];
  if (text === undefined || text === "false") return false;
  if (text === "true") return true;
  throw new HttpError(400, `${name} must be true or false`, {
    errors: [{ path: name, message: "true or false" }],
  });
}

/** A C2SP tlog-tiles tile or entry bundle: one URL each, immutable once served. */
async function tileRoute(event: APIGatewayProxyEventV2) {
  const ledger = ledgerParam(event);
  const path = pathParam(event, "tile");
  const tile = parseTilePath(path);
  if (tile === undefined) {
    throw new HttpError(
      404,
      `there is no tile/${path}: tiles are tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>] (C2SP tlog-tiles)`,
    );
  }
  // A tile of a given width never changes: caches may keep it for good.
  return binaryResponse(200, await readTile(cachedLog, ledger, tile), {
    "cache-control": "public, max-age=31536000, immutable",
  });
}

export const handler = middy(
  dispatch({
    "GET /v1/health": async () => jsonResponse(200, { status: "ok" }),
    "GET /v1/entries/{id}": async (event) => {
      const reader = readerOf(await guard.require(event, "read"));
      return jsonResponse(200, await getEntry(deps, pathParam(event, "id"), reader));
    },
    "GET /v1/entries/{id}/proof": async (event) => {
      const reader = readerOf(await guard.require(event, "read"));
      const anchored = booleanParam(event, "anchored");
      return jsonResponse(200, await getProof(deps, pathParam(event, "id"), { reader, anchored }));
    },
    "GET /v1/entries/{id}/certificate": async (event) => {
      const reader = readerOf(await guard.require(event, "read"));
      const apiUrl = requestBaseUrl(event);
      const certificate = await getCertificate(
        { ...deps, subjects: store, checkpointSigner: () => signer.address() },
        pathParam(event, "id"),
        reader,
        { apiUrl, verifyPageUrl: config.STELE_VERIFY_PAGE_URL ?? `${apiUrl}/` },
      );
      const qrSvg = await qrCodeSvg(certificate.verifyLink);
      const generatedAt = new Date(systemClock.nowMs()).toISOString();
      return htmlResponse(200, certificatePageHtml(certificate, qrSvg, generatedAt));
    },
    "GET /v1/proofs": async (event) => {
      const reader = readerOf(await guard.require(event, "read"));
      const contentHash = event.queryStringParameters?.contentHash ?? "";
      const ledger = event.queryStringParameters?.ledger;
      if (ledger !== undefined && !LEDGER_NAME.test(ledger)) {
        throw new HttpError(400, "ledger must be a ledger name", {
          errors: [{ path: "ledger", message: "a ledger name" }],
        });
      }
      return jsonResponse(200, {
        entries: await findByContentHash(deps, contentHash.toLowerCase(), reader, ledger),
      });
    },
    "GET /v1/subjects/{subject}/entries": async (event) => {
      const reader = readerOf(await guard.require(event, "read"));
      const subject = pathParam(event, "subject");
      if (!SUBJECT_NAME.test(subject)) {
        throw new HttpError(
          404,
          `there is no subject ${JSON.stringify(subject)}: subjects are ${SUBJECT_NAME_RULE}`,
        );
      }
      const query = event.queryStringParameters ?? {};
      const ledger = query.ledger ?? DEFAULT_LEDGER;
      if (!LEDGER_NAME.test(ledger)) {
        throw new HttpError(400, "ledger must be a ledger name", {
          errors: [{ path: "ledger", message: "a ledger name" }],
        });
      }
      const limit = query.limit === undefined ? DEFAULT_SUBJECT_PAGE : countParam(event, "limit");
      if (limit < 1 || limit > MAX_SUBJECT_PAGE) {
        throw new HttpError(400, `limit must be 1 to ${MAX_SUBJECT_PAGE}`, {
          errors: [{ path: "limit", message: `1 to ${MAX_SUBJECT_PAGE}` }],
        });
      }
      return jsonResponse(
        200,
        await listSubjectEntries(
          { subjects: store, ...(anchors === undefined ? {} : { anchors }) },
          reader,
          subject,
          {
            ledger,
            limit,
            ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
          },
        ),
      );
    },
    "GET /v1/ledgers/{ledger}/checkpoint": async (event) => {
      const anchored = booleanParam(event, "anchored");
      const ledger = ledgerParam(event);
      return jsonResponse(
        200,
        await getLatestCheckpoint(store, ledger, {
          anchored,
          ...(anchors === undefined ? {} : { anchors }),
        }),
      );
    },
    "GET /v1/ledgers/{ledger}/consistency": async (event) => {
      const ledger = ledgerParam(event);
      return jsonResponse(
        200,
        await getConsistency(store, ledger, countParam(event, "from"), countParam(event, "to")),
      );
    },
    "GET /v1/ledgers/{ledger}/checkpoints": async (event) => {
      const ledger = ledgerParam(event);
      const query = event.queryStringParameters ?? {};
      const chainIds = config.STELE_CHAINS.map((chain) => chain.chainId);
      return jsonResponse(
        200,
        await listCheckpoints({ log: store, anchors: { store, chainIds } }, ledger, {
          ...(query.after === undefined ? {} : { after: countParam(event, "after") }),
          ...(query.limit === undefined ? {} : { limit: countParam(event, "limit") }),
        }),
      );
    },
    "GET /v1/ledgers/{ledger}/tile/{tile+}": tileRoute,
    "GET /v1/tlog/{ledger}/tile/{tile+}": tileRoute,
    "GET /v1/tlog/{ledger}/checkpoint": async (event) => {
      const checkpoint = await getLatestCheckpoint(cachedLog, ledgerParam(event));
      // A newer checkpoint may come any second: mirrors poll, caches must not keep it.
      return textResponse(200, checkpointNote(checkpoint), { "cache-control": "no-store" });
    },
    "GET /v1/log": async () => {
      const ledgers = await store.listLedgers();
      return jsonResponse(200, {
        ledgers: ledgers.map((ledger) => ({ ledger, origin: originOf(ledger) })),
        checkpointSigner: await signer.address(),
        chains: publishedChains,
      });
    },
    "GET /v1/openapi.json": async () => jsonResponse(200, apiDescription().document),
    "GET /v1/docs": async () => htmlResponse(200, apiDescription().page),
  }),
)
  .use(tracing.middleware)
  .use(errorMiddleware(logger));

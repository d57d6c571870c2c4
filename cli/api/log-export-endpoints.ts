/** The public routes an export reads beyond endpoints.ts: the checkpoint list and the tiles. */
import { LEAVES_BEFORE_LEAF_DATA } from "../../shared/app/read-tiles.ts";
import { readEntryBundle } from "../../shared/domain/merkle/entry-tiles.ts";
import { ENTRY_TILE_LEVEL, type TileId, tilePath } from "../../shared/domain/merkle/tile-id.ts";
import { servedTileBytes } from "../../shared/domain/merkle/tree-tiles.ts";
import { checkpointPageSchema } from "../../shared/schemas/api-responses.ts";
import { CliError } from "../usage-error.ts";
import { type ApiClient, errorOf } from "./client.ts";

export type CheckpointPage = ReturnType<typeof checkpointPageSchema.parse>;

const segment = (value: string) => encodeURIComponent(value);

/** A page of GET /v1/ledgers/{ledger}/checkpoints, its shape checked. */
export async function getCheckpointPage(
  api: ApiClient,
  ledger: string,
  after: number | undefined,
  limit: number,
): Promise<CheckpointPage> {
  const query = `${after === undefined ? "" : `after=${after}&`}limit=${limit}`;
  const value = await api.json("GET", `/v1/ledgers/${segment(ledger)}/checkpoints?${query}`, {
    auth: false,
  });
  const parsed = checkpointPageSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(
    `the API's checkpoint list is not what its OpenAPI document says: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`,
  );
}

/** How long a tile the latest checkpoint just covered may still be refused by a stale cache. */
const NOT_YET_SERVED_RETRIES = 10;
const NOT_YET_SERVED_DELAY_MS = 300;

/**
 * The bytes of a tile or entry bundle as served, checked for its length (and an entry bundle
 * for its framing); undefined for an entry bundle the log has no data for (its leaves were
 * integrated before Stele kept leaf data): that 404 is a final answer, never asked again. Any
 * other 404 is asked again for a few seconds: the API's per-instance cache of the head may lag
 * the checkpoint this export started from by a moment.
 */
export async function getTile(
  api: ApiClient,
  ledger: string,
  tile: TileId,
): Promise<Uint8Array | undefined> {
  const path = `/v1/ledgers/${segment(ledger)}/${tilePath(tile)}`;
  for (let attempt = 0; ; attempt++) {
    const answer = await api.raw("GET", path, {
      auth: false,
      headers: { accept: "application/octet-stream" },
    });
    if (answer.status === 404 && tile.level === ENTRY_TILE_LEVEL) {
      const error = errorOf(answer);
      if (error.problem?.detail?.includes(LEAVES_BEFORE_LEAF_DATA) === true) return undefined;
    }
    if (answer.status === 404 && attempt < NOT_YET_SERVED_RETRIES) {
      await new Promise((resolve) => setTimeout(resolve, NOT_YET_SERVED_DELAY_MS));
      continue;
    }
    if (answer.status >= 400) throw errorOf(answer);
    const want = servedTileBytes(tile);
    if (answer.body.length !== want) {
      throw new CliError(
        `the API served ${tilePath(tile)} as ${answer.body.length} bytes, want ${want}`,
      );
    }
    if (tile.level === ENTRY_TILE_LEVEL) {
      let entries: number;
      try {
        entries = readEntryBundle(answer.body).length;
      } catch (error) {
        throw new CliError(
          `the API served ${tilePath(tile)}, not an entry bundle: ${(error as Error).message}`,
        );
      }
      if (entries !== tile.width) {
        throw new CliError(
          `the API served ${tilePath(tile)} with ${entries} entries, want ${tile.width}`,
        );
      }
    }
    return answer.body;
  }
}

/**
 * `stele history <subject>`: a subject's events in order, each checked against the log — the
 * event's bundle and its link's bundle verify (steps 1–4; the link with its payload), the link
 * names the event's content hash and leaf, and the links chain up with no gap or reordering.
 * Fetching every bundle costs two requests per event; a history is read, not polled.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { verifyBundle } from "../../shared/app/verify-bundle.ts";
import {
  checkSubjectChain,
  type HeldLink,
  type SubjectLinkPayload,
} from "../../shared/domain/subjects/subject-link.ts";
import { getLogIdentity, getProof, getSubjectPage } from "../api/endpoints.ts";
import type { SubjectEvent } from "../api/schemas.ts";
import { type ApiFlags, apiContext } from "../context.ts";
import { EXIT_INVALID, EXIT_VALID } from "../usage-error.ts";

export interface HistoryOptions extends ApiFlags {
  readonly signer?: string;
  readonly out?: string;
}

/** Events of one subject, all pages. */
async function allEvents(
  api: Parameters<typeof getSubjectPage>[0],
  subject: string,
  ledger: string,
): Promise<SubjectEvent[]> {
  const events: SubjectEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await getSubjectPage(api, subject, ledger, cursor);
    events.push(...page.entries);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return events;
}

export async function runHistory(subject: string, options: HistoryOptions): Promise<number> {
  const { api, ledger } = await apiContext(options, true);
  const identity = await getLogIdentity(api);
  const signer = options.signer ?? identity.checkpointSigner;
  const events = await allEvents(api, subject, ledger);
  if (options.out !== undefined) await mkdir(options.out, { recursive: true });

  const problems: string[] = [];
  const held: HeldLink[] = [];
  for (const event of events) {
    const [eventBundle, linkBundle] = await Promise.all([
      getProof(api, event.id, false),
      getProof(api, event.link.id, false),
    ]);
    const [eventVerdict, linkVerdict] = await Promise.all([
      verifyBundle(eventBundle, { trustedSigner: signer }),
      verifyBundle(linkBundle, {
        trustedSigner: signer,
        content: { kind: "transaction", payload: event.link.payload },
      }),
    ]);
    const at = `#${event.sequence}`;
    if (!eventVerdict.valid)
      problems.push(
        `${at}: the event's bundle fails step ${eventVerdict.failure?.step}: ${eventVerdict.failure?.detail}`,
      );
    if (!linkVerdict.valid)
      problems.push(
        `${at}: the link's bundle fails step ${linkVerdict.failure?.step}: ${linkVerdict.failure?.detail}`,
      );
    // The service says which history this is; the signed links must say the same.
    const { payload } = event.link;
    if (payload.subject !== subject || payload.ledger !== ledger) {
      problems.push(
        `${at}: the link is of subject ${payload.subject} in ${payload.ledger}, not ${subject} in ${ledger}`,
      );
    }
    if (linkBundle.entry.id !== event.link.id || eventBundle.entry.id !== event.id) {
      problems.push(
        `${at}: the bundles fetched are of entries ${eventBundle.entry.id} and ${linkBundle.entry.id}, not ${event.id} and ${event.link.id}`,
      );
    }
    const named = event.link.payload.entry;
    if (
      named.id !== eventBundle.entry.id ||
      named.contentHash !== eventBundle.entry.contentHash ||
      named.leafIndex !== eventBundle.leafIndex
    ) {
      problems.push(
        `${at}: the link names entry ${named.id}, content ${named.contentHash} at leaf ${named.leafIndex}; the event's bundle is entry ${eventBundle.entry.id}, ${eventBundle.entry.contentHash} at leaf ${eventBundle.leafIndex}`,
      );
    }
    // Parsed from JSON, an absent eventType is absent, as the payload type says.
    held.push({
      payload: event.link.payload as SubjectLinkPayload,
      leafIndex: linkBundle.leafIndex,
    });
    if (options.out !== undefined) {
      const base = join(options.out, `${String(event.sequence).padStart(6, "0")}`);
      await writeFile(`${base}-event.stele.json`, `${JSON.stringify(eventBundle, null, 2)}\n`);
      await writeFile(`${base}-link.stele.json`, `${JSON.stringify(linkBundle, null, 2)}\n`);
      await writeFile(
        `${base}-link.payload.json`,
        `${JSON.stringify(event.link.payload, null, 2)}\n`,
      );
    }
  }
  problems.push(...checkSubjectChain(held).map((p) => `#${p.sequence}: ${p.problem}`));

  for (const event of events) {
    process.stdout.write(
      `#${event.sequence}  ${event.receivedAt}  ${(event.eventType ?? "-").padEnd(16)} ${event.status.padEnd(9)} ${event.kind} ${event.id} leaf ${event.leafIndex}\n`,
    );
  }
  if (problems.length > 0) {
    process.stdout.write(
      `INVALID: the history of ${subject} in ${ledger}:\n${problems.map((p) => `  ${p}`).join("\n")}\n`,
    );
    return EXIT_INVALID;
  }
  process.stdout.write(
    `VALID: ${events.length} event(s) of ${subject} in ${ledger}, each in the log with its link; the links chain up with no gap or reordering (checkpoints signed by ${signer}${options.signer === undefined ? ", the log's published signer" : ""})${options.out === undefined ? "" : `; bundles saved in ${options.out}`}\n`,
  );
  return EXIT_VALID;
}

/**
 * The history of the fetched entry's subject: its events in chain order, this one marked, and
 * whether the links the API lists chain up (each hashes to the next one's `previous`, sequences
 * run 1, 2, …), checked here from the link payloads.
 */
import {
  checkSubjectChain,
  type SubjectLinkPayload,
} from "../../shared/domain/subjects/subject-link.ts";
import { apiBase } from "./api.ts";
import { h } from "./dom.ts";
import { ui } from "./elements.ts";

interface SubjectEvent {
  readonly sequence: number;
  readonly id: string;
  readonly eventType?: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly link: { readonly leafIndex: number; readonly payload: SubjectLinkPayload };
}

async function getJson(url: string, apiKey: string): Promise<unknown> {
  const response = await fetch(url, {
    headers: apiKey === "" ? {} : { authorization: `Bearer ${apiKey}` },
  });
  return response.ok ? response.json() : undefined;
}

/** Shows the subject's history when the entry names one; hides the section otherwise. */
export async function showSubjectHistory(
  api: string,
  entryId: string,
  apiKey: string,
): Promise<void> {
  ui.subjectSection.hidden = true;
  try {
    const entry = (await getJson(
      `${apiBase(api)}/v1/entries/${encodeURIComponent(entryId)}`,
      apiKey,
    )) as { subject?: string; ledger?: string } | undefined;
    if (entry?.subject === undefined || entry.ledger === undefined) return;
    const query = `ledger=${encodeURIComponent(entry.ledger)}&limit=1000`;
    const page = (await getJson(
      `${apiBase(api)}/v1/subjects/${encodeURIComponent(entry.subject)}/entries?${query}`,
      apiKey,
    )) as { entries?: SubjectEvent[]; next?: string | null } | undefined;
    if (page?.entries === undefined) return;
    const events = page.entries;
    const problems = checkSubjectChain(
      events.map((event) => ({ payload: event.link.payload, leafIndex: event.link.leafIndex })),
    );
    // The links must be of this subject and name the events listed beside them.
    for (const event of events) {
      const { payload } = event.link;
      if (payload.subject !== entry.subject || payload.ledger !== entry.ledger) {
        problems.push({
          sequence: event.sequence,
          problem: `is a link of ${payload.subject} in ${payload.ledger}`,
        });
      } else if (payload.entry.id !== event.id) {
        problems.push({
          sequence: event.sequence,
          problem: `links entry ${payload.entry.id}, not ${event.id}`,
        });
      }
    }
    ui.subjectTitle.textContent = `History of ${entry.subject}`;
    ui.subjectTable.replaceChildren(
      h(
        "table",
        {},
        h(
          "tr",
          {},
          h("th", {}, "#"),
          h("th", {}, "Event"),
          h("th", {}, "Received"),
          h("th", {}, "Status"),
          h("th", {}, "Entry"),
        ),
        ...events.map((event) =>
          h(
            "tr",
            event.id === entryId ? { class: "current", "aria-current": "true" } : {},
            h("td", {}, String(event.sequence)),
            h("td", {}, event.eventType ?? "—"),
            h("td", {}, event.receivedAt),
            h("td", {}, event.status),
            h(
              "td",
              { class: "hash" },
              event.id === entryId ? `${event.id} (this entry)` : event.id,
            ),
          ),
        ),
      ),
      h(
        "p",
        {
          class: problems.length === 0 ? "message" : "message error",
          "data-chain": problems.length === 0 ? "ok" : "broken",
        },
        problems.length === 0
          ? `The ${events.length} links chain up: no event is missing or out of order${page.next ? " among these" : ""}.`
          : `The links do not chain up: ${problems.map((p) => `#${p.sequence} ${p.problem}`).join("; ")}.`,
      ),
    );
    ui.subjectSection.hidden = false;
  } catch {
    // The history is extra: the proof's verdict stands without it.
  }
}

/** Subject heads and events as items of Stele's table (keys in table.ts). */
import type { StoredSubjectHead, SubjectEvent, SubjectKey } from "../../ports/subject-store.ts";
import { type Item, keyItem } from "./item.ts";
import { subjectEventKey, subjectHeadKey } from "./table.ts";

export function subjectHeadItem(key: SubjectKey, stored: StoredSubjectHead): Item {
  return {
    ...keyItem(subjectHeadKey(key.tenant, key.subject, key.ledger)),
    head: { S: JSON.stringify(stored) },
    // Its own attribute, for the condition that keeps heads from moving back.
    asOfSize: { N: String(stored.asOfSize) },
  };
}

export function toStoredHead(item: Item): StoredSubjectHead {
  return JSON.parse(item.head?.S ?? "null") as StoredSubjectHead;
}

export function subjectEventItem(key: SubjectKey, event: SubjectEvent): Item {
  return {
    ...keyItem(subjectEventKey(key.tenant, key.subject, key.ledger, event.sequence)),
    event: { S: JSON.stringify(event) },
  };
}

export function toSubjectEvent(item: Item): SubjectEvent {
  return JSON.parse(item.event?.S ?? "null") as SubjectEvent;
}

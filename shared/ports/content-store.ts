/**
 * Port: retained entry content, sealed (see content-cipher.ts), one record per entry. Erasure
 * leaves a tombstone that no later write replaces, so a retried request never brings erased
 * content back.
 */
import type { SealedContent } from "./content-cipher.ts";

export interface RetainedContent {
  readonly entryId: string;
  readonly sealed: SealedContent;
}

export type StoredContent =
  | { readonly state: "kept"; readonly sealed: SealedContent }
  /** erasedAt: RFC 3339 UTC, when DELETE /v1/entries/{id}/content first erased it. */
  | { readonly state: "erased"; readonly erasedAt: string };

export interface ContentStore {
  /**
   * Stores the contents of a batch with new entry ids (never stored before); resolves once all
   * are durable.
   */
  putNewContents(contents: readonly RetainedContent[]): Promise<void>;
  /**
   * For a retried request: stores each content only where its entry has no record yet, kept or
   * erased, so a retry neither duplicates nor resurrects. Resolves once all are durable.
   */
  restoreContents(contents: readonly RetainedContent[]): Promise<void>;
  /** The entry's record; undefined when none was ever stored. */
  getContent(entryId: string): Promise<StoredContent | undefined>;
  /**
   * Replaces the entry's record with a tombstone (made even if no record is there yet, so one
   * can never be written later) and returns when it was erased: `erasedAt`, or the time of an
   * earlier erasure.
   */
  eraseContent(entryId: string, erasedAt: string): Promise<string>;
}

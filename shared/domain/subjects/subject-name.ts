/**
 * Subjects: what a series of entries is about (a product lot, an invoice). A subject is named
 * by the caller, per tenant, and travels in URL paths, so its name keeps to characters that need
 * no escaping there and carries none of the table's key separators.
 */

/** 1–128 of `A-Z a-z 0-9 . _ ~ : @ + = -`. */
export const SUBJECT_NAME = /^[A-Za-z0-9._~:@+=-]{1,128}$/;
export const SUBJECT_NAME_RULE = "1 to 128 of A-Z a-z 0-9 . _ ~ : @ + = -";

/** What happened to the subject: `harvested`, `shipped`, `invoice.paid`. */
export const EVENT_TYPE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const EVENT_TYPE_RULE = "1 to 64 of a-z 0-9 . _ - starting with a letter or digit";

/**
 * Cross-origin access to the API, the same in AWS (API Gateway's CORS configuration) and in the
 * local stack: the verify page, served from another origin (CloudFront), reads proofs, and
 * browser clients may call it too. Any origin is allowed: API keys travel in the Authorization
 * header, never in cookies, so a page from another origin holds no credential it did not ask
 * the user for.
 */
export const CORS = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "POST", "PUT", "DELETE"],
  allowHeaders: ["authorization", "content-type", "idempotency-key"],
  /** Headers a browser client may read: Retry-After tells it when a proof will be ready. */
  exposeHeaders: ["retry-after", "www-authenticate"],
  maxAgeSeconds: 3600,
} as const;

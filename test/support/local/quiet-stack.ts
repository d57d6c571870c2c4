// The in-process local stack as API tests want it: a free port, integrating every 100 ms,
// origins under stele.test, silent, and without the verify page (API Gateway's answers).
import { type LocalStack, startLocalStack } from "../../../local/stack.ts";

export function startQuietStack(dataDir: string): Promise<LocalStack> {
  return startLocalStack({
    dataDir,
    port: 0,
    integrateIntervalMs: 100,
    originPrefix: "stele.test",
    log: () => {},
    page: false,
  });
}

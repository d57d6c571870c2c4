/**
 * Webhooks on the local stack: the notifier on its interval and the in-process delivery queue
 * drained into the deliver function, the same handlers that run in Lambda. Call after the
 * environment is set (STELE_WEBHOOK_QUEUE_URL=inprocess://webhooks): the handlers read it at import.
 */
import { type InProcessQueue, inProcessQueue } from "../shared/adapters/memory/in-process-queue.ts";
import { systemClock } from "../shared/adapters/system/system-clock.ts";
import { every } from "./every.ts";

export interface LocalWebhooks {
  readonly queue: InProcessQueue;
  stop(): Promise<void>;
}

export async function startLocalWebhooks(options: {
  readonly notifyIntervalMs: number;
  readonly onError: (error: unknown) => void;
}): Promise<LocalWebhooks> {
  const notify = await import("../functions/notify-webhooks/handler.ts");
  const deliver = await import("../functions/deliver-webhooks/handler.ts");
  const queue = inProcessQueue("webhooks", { clock: systemClock });
  const stopNotify = every(
    options.notifyIntervalMs,
    async () => {
      await notify.handler();
    },
    options.onError,
  );
  const stopDeliver = every(
    100,
    async () => {
      while ((await queue.deliver((event) => deliver.handler(event))) > 0) {
        // Drain what is visible now, 10 at a time; delayed messages wait for their time.
      }
    },
    options.onError,
  );
  return {
    queue,
    async stop() {
      await stopNotify();
      await stopDeliver();
    },
  };
}

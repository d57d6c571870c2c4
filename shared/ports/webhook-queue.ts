/** Port: the webhook delivery queue (SQS in AWS, an in-process queue locally) and its DLQ. */

export interface WebhookQueue {
  /** Enqueues each message body, visible after its delay (0 to 900 seconds). */
  send(
    messages: readonly { readonly body: string; readonly delaySeconds: number }[],
  ): Promise<void>;
  /** Puts a message that will not be delivered on the dead-letter queue, for operators. */
  deadLetter(body: string): Promise<void>;
}

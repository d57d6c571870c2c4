/**
 * The local stack's DynamoDB in a process of its own (`node --import tsx local/dynamodb-process.ts
 * <path>`): dynalite on disk at <path>, on a free loopback port, which it prints as one JSON line
 * on stdout. It stops (closing LevelDB) on SIGTERM, and when its stdin closes: the stack that
 * started it is gone, even by kill -9, and the data dir's lock must not outlive it. Not on
 * SIGINT: the stack it serves is still writing when Ctrl-C arrives.
 *
 * Apart from the functions for the same reason DynamoDB is apart from Lambda: the store's memory
 * grows with its data (LevelDB's tables, mapped and cached), the functions' must not, and a soak
 * can only tell the two apart in two processes.
 */
import { startEmbeddedDynamoDb } from "./embedded-dynamodb.ts";

const [path] = process.argv.slice(2);
const database = await startEmbeddedDynamoDb(path === undefined ? {} : { path });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  database.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on("SIGTERM", stop);
// Ctrl-C reaches the whole foreground group: the stack stops this process last (SIGTERM), after
// its own last writes, so SIGINT is not a reason to stop here.
process.on("SIGINT", () => undefined);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ endpoint: database.endpoint })}\n`);

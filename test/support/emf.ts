/** CloudWatch Embedded Metric Format documents as a function writes them: JSON lines on stdout. */

export interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/** The EMF documents `publish` writes to stdout (synchronously, as Powertools Metrics does). */
export function emitted(publish: () => void): Emf[] {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    publish();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .join("")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Emf);
}

// The scheduled functions' loop: runs every everyMs for runForMs, stops before the Lambda
// timeout, goes on after a failed run, and lets the last run decide the invocation's outcome.
// Time is a test clock that only sleep() and the runs move: nothing really waits.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type RepeatResult,
  type RepeatSchedule,
  type RunOutcome,
  remainingTimeOf,
  runRepeatedly,
  throwIfLastFailed,
} from "../../shared/app/run-repeatedly.ts";
import {
  InvalidScheduledEventError,
  parseScheduledRun,
} from "../../shared/schemas/scheduled-run.ts";

const START_MS = Date.parse("2026-05-01T00:00:00.000Z");

/** A clock, the sleep that moves it, and a Lambda-like deadline `timeoutMs` after the start. */
function testTime(timeoutMs?: number) {
  let nowMs = START_MS;
  const sleeps: number[] = [];
  return {
    clock: { nowMs: () => nowMs },
    advance: (ms: number) => {
      nowMs += ms;
    },
    sleeps,
    deps: {
      clock: { nowMs: () => nowMs },
      sleep: async (ms: number) => {
        sleeps.push(ms);
        nowMs += ms;
      },
      ...(timeoutMs === undefined ? {} : { remainingMs: () => START_MS + timeoutMs - nowMs }),
    },
    elapsed: () => nowMs - START_MS,
  };
}

/** Runs whose durations (ms) come from `durations` in turn (the last one repeats); records starts. */
async function repeat(
  time: ReturnType<typeof testTime>,
  schedule: RepeatSchedule,
  durations: readonly number[],
  fails: (index: number) => boolean = () => false,
) {
  const starts: number[] = [];
  const outcomes: RunOutcome<number>[] = [];
  const result: RepeatResult<number> = await runRepeatedly(
    time.deps,
    schedule,
    { safetyMarginMs: 5000, onRun: (outcome) => outcomes.push(outcome) },
    async (index) => {
      starts.push(time.elapsed());
      time.advance(durations[Math.min(index, durations.length - 1)] ?? 0);
      if (fails(index)) throw new Error(`run ${index} failed`);
      return index;
    },
  );
  return { result, starts, outcomes };
}

test("without runForMs: one run, as a plain invocation always did", async () => {
  for (const schedule of [{}, { everyMs: 1000 }, { runForMs: 0, everyMs: 1000 }]) {
    const time = testTime();
    const { result, starts } = await repeat(time, schedule, [30]);
    assert.deepEqual(starts, [0], JSON.stringify(schedule));
    assert.equal(result.runs, 1);
    assert.deepEqual(time.sleeps, [], "no waiting after the only run");
  }
});

test("every everyMs, start to start, and no run starts at or after runForMs", async () => {
  const time = testTime();
  const { result, starts } = await repeat(time, { runForMs: 5000, everyMs: 1000 }, [200]);
  assert.deepEqual(starts, [0, 1000, 2000, 3000, 4000]);
  assert.deepEqual(time.sleeps, [800, 800, 800, 800]);
  assert.deepEqual([result.runs, result.failedRuns], [5, 0]);
  assert.equal(time.elapsed(), 4200, "returns as soon as the last run ends");
});

test("runForMs alone runs every second", async () => {
  const time = testTime();
  const { starts } = await repeat(time, { runForMs: 3000 }, [10]);
  assert.deepEqual(starts, [0, 1000, 2000]);
});

test("a run longer than everyMs is followed at once, without catching up on missed starts", async () => {
  const time = testTime();
  const { starts } = await repeat(time, { runForMs: 6000, everyMs: 1000 }, [2500, 100]);
  assert.deepEqual(starts, [0, 2500, 3500, 4500, 5500]);
  assert.deepEqual(time.sleeps, [900, 900, 900], "no sleep after the long run");
});

test("55 s every second inside a 60 s Lambda: 55 runs, all before the deadline's margin", async () => {
  const time = testTime(60_000);
  const { result, starts } = await repeat(time, { runForMs: 55_000, everyMs: 1000 }, [300]);
  assert.equal(result.runs, 55);
  assert.equal(starts.at(-1), 54_000);
  assert.ok(60_000 - time.elapsed() >= 5000, "at least the margin left at the end");
});

test("the time left stops the loop: a run starts only with the longest run plus the margin left", async () => {
  // A 20 s timeout, runs of 2 s: a run may start while 7 s are left, i.e. up to 13 s in.
  const time = testTime(20_000);
  const { result, starts } = await repeat(time, { runForMs: 55_000, everyMs: 1000 }, [2000]);
  assert.deepEqual(starts, [0, 2000, 4000, 6000, 8000, 10_000, 12_000]);
  assert.equal(result.runs, 7);
  assert.ok(20_000 - time.elapsed() >= 5000);

  // The longest run so far counts, not the last one.
  const spiky = testTime(20_000);
  const spikyRuns = await repeat(spiky, { runForMs: 55_000, everyMs: 1000 }, [6000, 100]);
  assert.deepEqual(spikyRuns.starts, [0, 6000, 7000, 8000, 9000]);
  assert.ok(20_000 - spiky.elapsed() >= 6000 + 5000 - 1000);
});

test("the first run happens even when the time left is already short", async () => {
  const time = testTime(1000);
  const { result } = await repeat(time, { runForMs: 55_000, everyMs: 1000 }, [10]);
  assert.equal(result.runs, 1);
});

test("a failed run is reported and the loop goes on; the last run decides the outcome", async () => {
  const time = testTime();
  const { result, outcomes } = await repeat(
    time,
    { runForMs: 4000, everyMs: 1000 },
    [50],
    (index) => index === 1 || index === 2,
  );
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [true, false, false, true],
  );
  assert.deepEqual([result.runs, result.failedRuns], [4, 2]);
  assert.doesNotThrow(() => throwIfLastFailed(result), "repaired by the last run");

  const persistent = await repeat(
    testTime(),
    { runForMs: 3000, everyMs: 1000 },
    [50],
    (index) => index >= 1,
  );
  assert.deepEqual([persistent.result.runs, persistent.result.failedRuns], [3, 2]);
  assert.throws(() => throwIfLastFailed(persistent.result), /^Error: run 2 failed$/);
});

test("remainingTimeOf: a Lambda context's clock, or none for the local stack's {}", () => {
  assert.deepEqual(remainingTimeOf({}), {});
  const context = {
    deadlineMs: 1234,
    getRemainingTimeInMillis() {
      return this.deadlineMs;
    },
  };
  assert.equal(remainingTimeOf(context).remainingMs?.(), 1234, "called on its context");
});

test("the scheduled event: both fields optional, Scheduler's context attributes allowed", () => {
  assert.deepEqual(parseScheduledRun(undefined), {});
  assert.deepEqual(parseScheduledRun(null), {});
  assert.deepEqual(parseScheduledRun({}), {});
  assert.deepEqual(parseScheduledRun({ runForMs: 55_000, everyMs: 1000 }), {
    runForMs: 55_000,
    everyMs: 1000,
  });
  assert.deepEqual(
    parseScheduledRun({
      runForMs: 55_000,
      scheduleArn: "arn:aws:scheduler:eu-central-1:123456789012:schedule/stele/anchor",
      scheduledTime: "2024-11-14T09:22:00Z",
      executionId: "d32c5kddcf5bb8c3",
      attemptNumber: "1",
    }),
    { runForMs: 55_000 },
  );
});

test("a bad scheduled event is refused, naming each field", () => {
  const cases: [unknown, RegExp][] = [
    [{ runForMs: "55000" }, /runForMs: Invalid input: expected number, received string/],
    [{ runForMs: -1 }, /runForMs: /],
    [{ runForMs: 1.5 }, /runForMs: /],
    [{ runForMs: 900_001 }, /runForMs: /],
    [{ everyMs: 0 }, /everyMs: /],
    [{ everyMs: 99 }, /everyMs: /],
    [{ runForMS: 55_000 }, /Unrecognized key: "runForMS"/],
    [[], /expected object/],
    ["run", /expected object/],
  ];
  for (const [event, expected] of cases) {
    assert.throws(
      () => parseScheduledRun(event),
      (error: unknown) => {
        assert.ok(error instanceof InvalidScheduledEventError);
        assert.match(error.message, /^bad scheduled event: /);
        assert.match(error.message, expected, JSON.stringify(event));
        return true;
      },
    );
  }
  assert.throws(
    () => parseScheduledRun({ runForMs: "x", everyMs: "y" }),
    /runForMs: .*; everyMs: /,
  );
});

/**
 * Fault points, for the fault-injection tests only (test/integration/fault-kill-matrix.test.ts).
 *
 * Every call a use case makes on a wrapped adapter (the store, the checkpoint signer, the anchor
 * chain, the content cipher) is a step boundary: the step's effect is done once the call
 * resolves, and a process that dies right then leaves exactly that much behind. A boundary is
 * named by the method and its occurrence in the process: `writeTiles@1`, `markSequenced@2`.
 *
 * - STELE_FAULT_POINT=<method>@<n>: right after the n-th call of <method> resolves, the process
 *   kills itself with SIGKILL — no cleanup, no answer to its caller, as a host that dies.
 * - STELE_FAULT_TRACE=<file>: each boundary's name is appended to <file> as it is reached, so a
 *   test learns the boundaries of a healthy run and then kills a run at each of them.
 *
 * Neither is set outside the tests (no deployment sets them); then `wrap` returns the adapter
 * itself, and nothing of this runs.
 */
import { appendFileSync, writeSync } from "node:fs";

export const FAULT_POINT = /^([A-Za-z][A-Za-z0-9]*)@([1-9][0-9]*)$/;

export interface FaultPointSettings {
  /** `<method>@<n>`: kill the process after the n-th call of <method>. */
  readonly STELE_FAULT_POINT?: string | undefined;
  /** A file to append each boundary's name to. */
  readonly STELE_FAULT_TRACE?: string | undefined;
}

export interface FaultPoints {
  /** `target`, or a view of it whose method calls are fault points. */
  wrap<T extends object>(target: T): T;
}

const OFF: FaultPoints = { wrap: (target) => target };

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Fault points as `settings` ask; one counter of calls per method for the whole process. */
export function faultPoints(settings: FaultPointSettings): FaultPoints {
  const { STELE_FAULT_POINT: point, STELE_FAULT_TRACE: trace } = settings;
  if (point === undefined && trace === undefined) return OFF;
  const match = point === undefined ? undefined : FAULT_POINT.exec(point);
  if (point !== undefined && match === null)
    throw new Error(`bad configuration: STELE_FAULT_POINT: <method>@<n>, got ${point}`);
  const calls = new Map<string, number>();

  const reached = (method: string): void => {
    const n = (calls.get(method) ?? 0) + 1;
    calls.set(method, n);
    const name = `${method}@${n}`;
    if (trace !== undefined) appendFileSync(trace, `${name}\n`);
    if (name === point) {
      writeSync(2, `fault point ${name} reached: SIGKILL\n`);
      process.kill(process.pid, "SIGKILL");
    }
  };

  return {
    wrap<T extends object>(target: T): T {
      return new Proxy(target, {
        get(object, property) {
          // The object itself as receiver: getters and methods see their private fields.
          const value: unknown = Reflect.get(object, property, object);
          if (typeof value !== "function" || typeof property !== "string") return value;
          return (...args: unknown[]) => {
            const result: unknown = value.apply(object, args);
            if (!isPromiseLike(result)) {
              reached(property);
              return result;
            }
            return Promise.resolve(result).then((resolved) => {
              reached(property);
              return resolved;
            });
          };
        },
      });
    },
  };
}

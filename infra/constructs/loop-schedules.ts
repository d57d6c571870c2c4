/**
 * EventBridge Scheduler starts integrate and anchor every minute (its finest rate); each
 * invocation then loops for runForMs, one pass every everyMs, and ends before its timeout. A
 * schedule's invocations that cannot be delivered land in a dead-letter queue.
 */
import { Aws, Duration, type RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import {
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  TimeWindow,
} from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { deadLetterQueue } from "./dead-letter-queue.ts";
import type { SteleFunction } from "./stele-function.ts";

/** The input a looping handler receives from its schedule. */
export interface LoopInput {
  readonly runForMs: number;
  readonly everyMs: number;
}

export interface LoopedFunction {
  readonly name: string;
  readonly function: SteleFunction;
  readonly input: LoopInput;
  /** A disabled schedule is kept (anchoring with no chain configured). */
  readonly enabled: boolean;
}

export interface LoopSchedulesProps {
  readonly loops: readonly LoopedFunction[];
  readonly removalPolicy: RemovalPolicy;
}

export class LoopSchedules extends Construct {
  readonly schedules: Record<string, Schedule> = {};
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: LoopSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, "DeadLetters", props.removalPolicy);
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This is the schedules' dead-letter queue; it has none of its own.",
    });
    for (const loop of props.loops) {
      const { fn } = loop.function;
      // A role per schedule, which only Scheduler acting for this account may assume.
      const role = new Role(this, `${loop.name}-Role`, {
        assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
          conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
        }),
        description: `Scheduler starts Stele ${loop.name}`,
      });
      const stack = Stack.of(this);
      const fnLogicalId = stack.resolve(stack.getLogicalId(fn.node.defaultChild as CfnFunction));
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${fnLogicalId}.Arn>:*]`,
        reason:
          "lambda:InvokeFunction on the function and its versions (<arn>:*), as CDK's grantInvoke writes it; the schedule invokes the unqualified function.",
      });
      this.schedules[loop.name] = new Schedule(this, loop.name, {
        description: `Starts ${loop.name} every minute; it loops for ${loop.input.runForMs} ms`,
        schedule: ScheduleExpression.rate(Duration.minutes(1)),
        timeWindow: TimeWindow.off(),
        enabled: loop.enabled,
        target: new LambdaInvoke(fn, {
          role,
          input: ScheduleTargetInput.fromObject(loop.input),
          // The next minute's start replaces a lost one: retry once, promptly, then dead-letter.
          retryAttempts: 1,
          maxEventAge: Duration.minutes(1),
          deadLetterQueue: this.deadLetterQueue,
        }),
      });
      // Scheduler invokes asynchronously. A failed loop is not run again by Lambda (the next
      // minute's start is the retry), and a start that waited a minute behind a running loop
      // (reserved concurrency 1) is dropped rather than run late.
      fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    }
  }
}

/**
 * The Stele service on AWS. The foundation has no deployable parts yet: the ledger, anchoring
 * and infrastructure issues add the table, keys, queues, functions and API to this stack.
 */
import { Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";

export interface SteleStackProps extends StackProps {
  readonly stage: string;
}

export class SteleStack extends Stack {
  constructor(scope: Construct, id: string, props: SteleStackProps) {
    super(scope, id, props);
    Tags.of(this).add("stele:stage", props.stage);
  }
}

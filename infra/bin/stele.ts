/** The CDK app: `npx cdk synth` works offline; `npx cdk deploy` is for users with an AWS account. */
import { App } from "aws-cdk-lib";
import { SteleStack } from "../stacks/stele-stack.ts";

const app = new App();
const stage = String(app.node.tryGetContext("stele:stage") ?? "dev");
new SteleStack(app, `Stele-${stage}`, {
  stage,
  // Synthesis needs no credentials: fall back to placeholders when no account is configured.
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? "000000000000",
    region: process.env.CDK_DEFAULT_REGION ?? "us-east-1",
  },
});

/** The CDK app: `npx cdk synth` works offline; `npx cdk deploy` is for users with an AWS account. */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { SteleStack } from "../stacks/stele-stack.ts";
import { resolveStage } from "../stages.ts";

const app = new App();
const { stage, settings } = resolveStage((key) => app.node.tryGetContext(key));
new SteleStack(app, `Stele-${stage}`, {
  stage,
  settings,
  // Synthesis needs no credentials: fall back to placeholders when no account is configured.
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT ?? "000000000000",
    region: process.env.CDK_DEFAULT_REGION ?? "us-east-1",
  },
});
// cdk-nag 3 is a policy validation plugin (it was an Aspect in v2): an unacknowledged finding
// fails the synth with its rule and construct path.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

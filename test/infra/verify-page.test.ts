// The verify page in AWS: a private bucket that only the page's CloudFront distribution reads,
// HTTPS only; certificates link to it (read-api's STELE_VERIFY_PAGE_URL); the API answers the
// page's cross-origin requests (CORS as shared/http/cors.ts says, the local stack's too).
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Match } from "aws-cdk-lib/assertions";
import { loadConfig } from "../../shared/config.ts";
import { CORS } from "../../shared/http/cors.ts";
import {
  logicalId,
  prop,
  resolvedEnvironment,
  resourcesOfType,
  type Synthesised,
  synthesise,
} from "./synth.ts";

let dev: Synthesised;

before(() => {
  dev = synthesise("dev");
});

test("the page's bucket is private: public access blocked, TLS enforced, read by its distribution only", () => {
  const bucketId = logicalId(dev.stack, dev.stack.verifyPage.bucket);
  const distributionId = logicalId(dev.stack, dev.stack.verifyPage.distribution);
  dev.template.hasResourceProperties("AWS::S3::Bucket", {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
  });
  const [policy] = resourcesOfType(dev.json, "AWS::S3::BucketPolicy").filter(
    ([, resource]) =>
      JSON.stringify(prop(resource, "Bucket")) === JSON.stringify({ Ref: bucketId }),
  );
  assert.ok(policy !== undefined, "the page's bucket has a policy");
  const statements = prop<{ Statement: Record<string, unknown>[] }>(
    policy[1],
    "PolicyDocument",
  ).Statement;
  // CloudFront alone reads objects (CDK's auto-delete role, for stack deletion, lists and deletes).
  const reads = statements.filter(
    (statement) =>
      statement.Effect === "Allow" && [statement.Action].flat().includes("s3:GetObject"),
  );
  assert.equal(reads.length, 1, JSON.stringify(reads));
  assert.deepEqual(reads[0]?.Principal, { Service: "cloudfront.amazonaws.com" });
  assert.equal(reads[0]?.Action, "s3:GetObject");
  assert.match(JSON.stringify(reads[0]?.Condition), new RegExp(distributionId));
  assert.ok(
    statements.some(
      (statement) =>
        statement.Effect === "Deny" &&
        JSON.stringify(statement.Condition) ===
          JSON.stringify({ Bool: { "aws:SecureTransport": "false" } }),
    ),
    "plain HTTP to the bucket is denied",
  );
});

test("the distribution serves index.html over HTTPS only, with security headers", () => {
  dev.template.hasResourceProperties("AWS::CloudFront::Distribution", {
    DistributionConfig: Match.objectLike({
      DefaultRootObject: "index.html",
      DefaultCacheBehavior: Match.objectLike({
        ViewerProtocolPolicy: "redirect-to-https",
        ResponseHeadersPolicyId: Match.anyValue(),
      }),
      Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
    }),
  });
  dev.template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
  // The files are deployed, and the cache invalidated, by the stack.
  dev.template.resourceCountIs("Custom::CDKBucketDeployment", 1);
});

test("certificates link to the page: read-api gets its URL, and the stack outputs it", () => {
  const distributionId = logicalId(dev.stack, dev.stack.verifyPage.distribution);
  const readApi =
    dev.json.Resources[logicalId(dev.stack, dev.stack.functions.byName["read-api"].fn)];
  assert.ok(readApi !== undefined);
  const env = resolvedEnvironment(readApi);
  const pageUrl = `https://${distributionId.toLowerCase()}.domainname.example/`;
  assert.equal(env.STELE_VERIFY_PAGE_URL, pageUrl);
  assert.equal(loadConfig({ ...env, AWS_REGION: "eu-central-1" }).STELE_VERIFY_PAGE_URL, pageUrl);
  dev.template.hasOutput("VerifyPageUrl", {
    Value: {
      "Fn::Join": ["", ["https://", { "Fn::GetAtt": [distributionId, "DomainName"] }, "/"]],
    },
  });
});

test("the API answers cross-origin requests as the local stack does", () => {
  dev.template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
    CorsConfiguration: {
      AllowOrigins: [...CORS.allowOrigins],
      AllowMethods: [...CORS.allowMethods],
      AllowHeaders: [...CORS.allowHeaders],
      ExposeHeaders: [...CORS.exposeHeaders],
      MaxAge: CORS.maxAgeSeconds,
    },
  });
});

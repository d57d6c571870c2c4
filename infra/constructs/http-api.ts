/**
 * The HTTP API (API Gateway v2, payload 2.0): one route per entry of shared/http/routes.ts, on
 * the function that serves it, and `$default` on read-api, which answers the rest with the
 * contract's 404 or 405. Access logs go to a log group; the stage throttles.
 */
import { Duration, type RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { CORS } from "../../shared/http/cors.ts";
import { ROUTES, type FunctionName as RouteFunction } from "../../shared/http/routes.ts";

export interface SteleHttpApiProps {
  readonly functions: Record<RouteFunction, IFunction>;
  readonly throttleBurstLimit: number;
  readonly throttleRateLimit: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** One JSON line per request; no header is logged (the Authorization header holds a key). */
const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  time: "$context.requestTime",
  ip: "$context.identity.sourceIp",
  method: "$context.httpMethod",
  path: "$context.path",
  routeKey: "$context.routeKey",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatencyMs: "$context.responseLatency",
  integrationStatus: "$context.integrationStatus",
  integrationLatencyMs: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
  error: "$context.error.message",
};

export class SteleHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: SteleHttpApiProps) {
    super(scope, id);
    const integrations = {
      "accept-entries": new HttpLambdaIntegration(
        "AcceptEntries",
        props.functions["accept-entries"],
      ),
      "read-api": new HttpLambdaIntegration("ReadApi", props.functions["read-api"]),
      "entry-content": new HttpLambdaIntegration("EntryContent", props.functions["entry-content"]),
    } satisfies Record<RouteFunction, HttpLambdaIntegration>;
    this.api = new HttpApi(this, "Api", {
      description: "Stele HTTP API v1",
      createDefaultStage: false,
      // Unknown paths and methods: read-api answers 404/405 as problem+json (shared/http/dispatch.ts).
      defaultIntegration: integrations["read-api"],
      // API Gateway answers preflights itself and adds the headers to every response.
      corsPreflight: {
        allowOrigins: [...CORS.allowOrigins],
        allowMethods: CORS.allowMethods.map((method) => CorsHttpMethod[method]),
        allowHeaders: [...CORS.allowHeaders],
        exposeHeaders: [...CORS.exposeHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
      },
    });
    this.accessLogs = new LogGroup(this, "AccessLogs", {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = this.api.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: { burstLimit: props.throttleBurstLimit, rateLimit: props.throttleRateLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    // API keys are checked in the functions (ApiKeyGuard, shared/http/auth.ts), not by an API
    // Gateway authorizer: the contract answers 401 and 403 with RFC 9457 problem+json bodies and
    // a WWW-Authenticate header, while an HTTP API authorizer's denials are fixed
    // {"message":"Unauthorized"} / {"message":"Forbidden"} bodies that cannot carry either.
    for (const route of ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.fn],
      });
    }
    const inFunctionAuth =
      "API keys are checked in the functions (ApiKeyGuard) so that 401/403 answers are the contract's problem+json with WWW-Authenticate, which API Gateway authorizer denials cannot be; health, checkpoints and consistency proofs are public by contract.";
    Validations.of(this.api).acknowledge({ id: "AwsSolutions-APIG4", reason: inFunctionAuth });
  }

  /** The API's base URL. */
  get url(): string {
    return this.stage.url;
  }
}

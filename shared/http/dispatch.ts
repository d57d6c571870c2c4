/** One function's routes, dispatched on API Gateway's routeKey; the rest answered 404 or 405. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { HttpError } from "./http-error.ts";
import { matchRoute } from "./routes.ts";

export type RouteHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function dispatch(handlers: Readonly<Record<string, RouteHandler>>): RouteHandler {
  return async (event) => {
    const handler = handlers[event.routeKey];
    if (handler !== undefined) return handler(event);
    // The $default route: say what API Gateway's routing would have said.
    const { method } = event.requestContext.http;
    const match = matchRoute(method, event.rawPath);
    if (match.kind === "method-not-allowed") {
      const allowed = match.allowed.join(", ");
      throw new HttpError(405, `${event.rawPath} answers ${allowed}, not ${method}`, {
        headers: { allow: allowed },
      });
    }
    if (match.kind === "route") {
      throw new Error(
        `route ${event.routeKey} reached a function that does not serve it: check the deployment`,
      );
    }
    throw new HttpError(404, `there is no ${event.rawPath}: see the API description`);
  };
}

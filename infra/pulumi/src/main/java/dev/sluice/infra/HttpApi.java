package dev.sluice.infra;

import com.google.gson.GsonBuilder;
import com.pulumi.aws.apigatewayv2.Api;
import com.pulumi.aws.apigatewayv2.ApiArgs;
import com.pulumi.aws.apigatewayv2.Authorizer;
import com.pulumi.aws.apigatewayv2.AuthorizerArgs;
import com.pulumi.aws.apigatewayv2.Integration;
import com.pulumi.aws.apigatewayv2.IntegrationArgs;
import com.pulumi.aws.apigatewayv2.Route;
import com.pulumi.aws.apigatewayv2.RouteArgs;
import com.pulumi.aws.apigatewayv2.Stage;
import com.pulumi.aws.apigatewayv2.StageArgs;
import com.pulumi.aws.apigatewayv2.inputs.AuthorizerJwtConfigurationArgs;
import com.pulumi.aws.apigatewayv2.inputs.StageAccessLogSettingsArgs;
import com.pulumi.aws.apigatewayv2.inputs.StageDefaultRouteSettingsArgs;
import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.cloudwatch.LogGroupArgs;
import com.pulumi.aws.lambda.Permission;
import com.pulumi.aws.lambda.PermissionArgs;
import com.pulumi.core.Output;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The HTTP API in front of the dispatcher: its routes, an IAM or JWT authorizer, throttling and access logs. */
final class HttpApi {
    /** The dispatcher's API routes. Anything else never reaches the function. */
    static final List<String> ROUTES = List.of(
            "POST /v1/jobs",
            "POST /v1/batches",
            "GET /v1/jobs/{id}",
            "GET /v1/jobs/{id}/trace",
            "POST /v1/jobs/{id}/retry",
            "GET /v1/batches/{id}",
            "POST /v1/documents",
            "GET /v1/usage");

    /**
     * The operator's console ({@code sluice:api.console}, on by default), served by the dispatcher behind the same
     * authorizer: its pages and static files, and the redrive. The API's own routes are more specific and win.
     */
    static final List<String> CONSOLE_ROUTES = List.of("GET /", "GET /{proxy+}", "POST /dead-letters/redrive");

    static List<String> routes(StackSettings s) {
        List<String> all = new java.util.ArrayList<>(ROUTES);
        if (s.api().console()) {
            all.addAll(CONSOLE_ROUTES);
        }
        return all;
    }

    private HttpApi() {}

    /** Creates the API and returns its stage's URL. */
    static Output<String> create(StackSettings s, Functions.Deployed dispatcher) {
        String name = s.prefix() + "-api";
        Api api = new Api(
                name,
                ApiArgs.builder()
                        .name(name)
                        .protocolType("HTTP")
                        .description("sluice jobs API (" + s.stack() + ")")
                        .build());
        Integration integration = new Integration(
                name + "-dispatcher",
                IntegrationArgs.builder()
                        .apiId(api.id())
                        .integrationType("AWS_PROXY")
                        .integrationUri(dispatcher.apiInvokeArn())
                        .payloadFormatVersion("2.0")
                        // HTTP APIs give up at 30 s; the dispatcher's own timeout is shorter.
                        .timeoutMilliseconds(30_000)
                        .build());

        String authorization = s.api().authorizer().equals("jwt") ? "JWT" : "AWS_IAM";
        Output<String> authorizerId = null;
        if (authorization.equals("JWT")) {
            Authorizer jwt = new Authorizer(
                    name + "-jwt",
                    AuthorizerArgs.builder()
                            .apiId(api.id())
                            .name(name + "-jwt")
                            .authorizerType("JWT")
                            .identitySources("$request.header.Authorization")
                            .jwtConfiguration(AuthorizerJwtConfigurationArgs.builder()
                                    .issuer(s.api().jwtIssuer().orElseThrow())
                                    .audiences(s.api().jwtAudiences())
                                    .build())
                            .build());
            authorizerId = jwt.id();
        }
        for (String routeKey : routes(s)) {
            RouteArgs.Builder route = RouteArgs.builder()
                    .apiId(api.id())
                    .routeKey(routeKey)
                    .target(integration.id().applyValue(id -> "integrations/" + id))
                    .authorizationType(authorization);
            if (authorizerId != null) {
                route.authorizerId(authorizerId);
            }
            new Route(name + "-" + slug(routeKey), route.build());
        }

        LogGroup accessLogs = new LogGroup(
                name + "-access-logs",
                LogGroupArgs.builder()
                        .name("/aws/apigateway/" + name)
                        .retentionInDays(s.logRetentionDays())
                        .build());
        Stage stage = new Stage(
                name + "-stage",
                StageArgs.builder()
                        .apiId(api.id())
                        .name("$default")
                        .autoDeploy(true)
                        .defaultRouteSettings(StageDefaultRouteSettingsArgs.builder()
                                .throttlingRateLimit(s.api().rate())
                                .throttlingBurstLimit(s.api().burst())
                                .detailedMetricsEnabled(true)
                                .build())
                        .accessLogSettings(StageAccessLogSettingsArgs.builder()
                                .destinationArn(accessLogs.arn())
                                .format(accessLogFormat())
                                .build())
                        .build());

        PermissionArgs.Builder permission = PermissionArgs.builder()
                .action("lambda:InvokeFunction")
                .function(dispatcher.function().name())
                .principal("apigateway.amazonaws.com")
                // Any stage and route of this one API.
                .sourceArn(api.executionArn().applyValue(arn -> arn + "/*/*"));
        dispatcher.qualifier().ifPresent(permission::qualifier);
        new Permission(name + "-invoke", permission.build());
        return stage.invokeUrl();
    }

    static String accessLogFormat() {
        Map<String, String> format = new LinkedHashMap<>();
        format.put("requestId", "$context.requestId");
        format.put("ip", "$context.identity.sourceIp");
        format.put("caller", "$context.identity.caller");
        format.put("jwtSubject", "$context.authorizer.claims.sub");
        format.put("requestTime", "$context.requestTime");
        format.put("routeKey", "$context.routeKey");
        format.put("status", "$context.status");
        format.put("responseLength", "$context.responseLength");
        format.put("latencyMs", "$context.responseLatency");
        format.put("integrationLatencyMs", "$context.integrationLatency");
        format.put("integrationError", "$context.integrationErrorMessage");
        return new GsonBuilder().disableHtmlEscaping().create().toJson(format);
    }

    static String slug(String routeKey) {
        String slug = routeKey.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        // "GET /" and "GET /{proxy+}" would both be "get" and "get-proxy": keep the root's apart.
        return routeKey.endsWith(" /") ? slug + "-root" : slug;
    }
}

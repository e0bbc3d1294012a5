package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.sluice.bootstrap.dispatcher.ApiRoutes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** Every committed stack example deploys what sluice needs, with the settings a careful operator would choose. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StackExamplesTest {
    private static final Map<String, String> CONSUMER_OF =
            Map.of("work", "processor", "finalize", "finalizer", "ingest", "ingestor");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void everyQueueHasAnEncryptedDeadLetterQueueWiredByRedrive(String stack) {
        StackRun run = StackRun.of(stack);
        for (String q : List.of("work", "finalize", "ingest")) {
            String name = run.prefix() + "-" + q;
            StackRun.Created queue = run.one(Types.QUEUE, name);
            StackRun.Created dlq = run.one(Types.QUEUE, name + "-dlq");
            Map<String, Object> redrive = json(queue.string("redrivePolicy"));
            assertThat(redrive.get("deadLetterTargetArn"))
                    .isEqualTo("arn:aws:sqs:" + StackRun.REGION + ":" + StackRun.ACCOUNT + ":" + name + "-dlq");
            assertThat(((Number) redrive.get("maxReceiveCount")).intValue()).isEqualTo(5);
            for (StackRun.Created each : List.of(queue, dlq)) {
                assertThat(each.inputs()).containsEntry("sqsManagedSseEnabled", true);
                // SQS's default: the claim check keeps every body far below it (SharedDefinitionsTest).
                assertThat(each.integer("maxMessageSize")).isEqualTo(262_144);
                // Standard queues: per-message DelaySeconds (deferral of throttled hops) is allowed.
                assertThat(each.inputs().get("fifoQueue")).isNotEqualTo(true);
            }
            assertThat(queue.integer("delaySeconds")).isZero();
            // A dead letter must outlive the message's time in the main queue.
            assertThat(dlq.integer("messageRetentionSeconds")).isGreaterThan(queue.integer("messageRetentionSeconds"));
        }
        assertThat(run.one(Types.QUEUE, run.prefix() + "-events-dlq").inputs())
                .containsEntry("sqsManagedSseEnabled", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void visibilityTimeoutIsAtLeastSixTimesTheConsumingFunctionsTimeout(String stack) {
        StackRun run = StackRun.of(stack);
        CONSUMER_OF.forEach((queue, function) -> {
            int visibility = run.one(Types.QUEUE, run.prefix() + "-" + queue).integer("visibilityTimeoutSeconds");
            int timeout = run.one(Types.FUNCTION, run.prefix() + "-" + function).integer("timeout");
            int window = run.one(Types.ESM, run.prefix() + "-" + function + "-esm")
                    .integer("maximumBatchingWindowInSeconds");
            assertThat(visibility).as(queue).isGreaterThanOrEqualTo(6 * timeout + window);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void tablesAreOnDemandKeyedByPkWithTtlAndJobsAreRecoverable(String stack) {
        StackRun run = StackRun.of(stack);
        for (String t : List.of("jobs", "cache", "limits")) {
            StackRun.Created table = run.one(Types.TABLE, run.prefix() + "-" + t);
            assertThat(table.inputs())
                    .containsEntry("billingMode", "PAY_PER_REQUEST")
                    .containsEntry("hashKey", "pk")
                    .containsEntry(
                            "attributes",
                            t.equals("jobs")
                                    // The keys of its index of the newest jobs, which the console lists.
                                    ? List.of(
                                            Map.of("name", "pk", "type", "S"),
                                            Map.of("name", "listedIn", "type", "S"),
                                            Map.of("name", "createdAt", "type", "N"))
                                    : List.of(Map.of("name", "pk", "type", "S")))
                    .containsEntry("ttl", Map.of("attributeName", "expiresAt", "enabled", true));
            assertThat(table.map("pointInTimeRecovery")).containsEntry("enabled", t.equals("jobs"));
        }
        assertThat(run.one(Types.TABLE, run.prefix() + "-jobs").inputs())
                .containsEntry("deletionProtectionEnabled", stack.equals("prod"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void bucketIsEncryptedPrivateTlsOnlyAndExpiresPayloadsAndTraces(String stack) {
        StackRun run = StackRun.of(stack);
        String bucket = run.prefix() + "-bucket";
        run.one(Types.BUCKET, bucket);
        assertThat(run.one(Types.BUCKET_ENCRYPTION, bucket + "-encryption")
                        .list("rules")
                        .toString())
                .contains("sseAlgorithm=AES256");
        assertThat(run.one(Types.BUCKET_PUBLIC_ACCESS, bucket + "-public-access")
                        .inputs())
                .containsEntry("blockPublicAcls", true)
                .containsEntry("blockPublicPolicy", true)
                .containsEntry("ignorePublicAcls", true)
                .containsEntry("restrictPublicBuckets", true);
        Map<String, Object> policy =
                json(run.one(Types.BUCKET_POLICY, bucket + "-policy").string("policy"));
        assertThat(policy.toString()).contains("Deny").contains("aws:SecureTransport=false");
        Map<String, Integer> expiry = run.one(Types.BUCKET_LIFECYCLE, bucket + "-lifecycle").list("rules").stream()
                .map(r -> (Map<?, ?>) r)
                .filter(r -> r.get("expiration") != null)
                .collect(Collectors.toMap(
                        r -> (String) ((Map<?, ?>) r.get("filter")).get("prefix"),
                        r -> ((Number) ((Map<?, ?>) r.get("expiration")).get("days")).intValue()));
        Map<String, Object> retention = config(run, "sluice:retention");
        assertThat(expiry).containsOnlyKeys("payloads/", "traces/", "batches/");
        assertThat(expiry.get("batches/"))
                .as("Bedrock batch records, past a week-long job")
                .isEqualTo(14);
        assertThat(expiry.get("payloads/")).isEqualTo(((Number) retention.getOrDefault("payloadDays", 15)).intValue());
        assertThat(expiry.get("traces/")).isEqualTo(((Number) retention.getOrDefault("traceDays", 30)).intValue());
        assertThat(run.one(Types.BUCKET, bucket).inputs()).containsEntry("forceDestroy", !stack.equals("prod"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void jobRequestedEventsOnTheStackBusReachTheDispatcherOrADeadLetterQueue(String stack) {
        StackRun run = StackRun.of(stack);
        assertThat(run.one(Types.BUS, run.prefix() + "-bus").string("name")).isEqualTo(run.prefix());
        StackRun.Created rule = run.one(Types.RULE, run.prefix() + "-job-requested");
        assertThat(rule.string("eventBusName")).isEqualTo(run.prefix());
        assertThat(json(rule.string("eventPattern")))
                .as("only the listed sources, never sluice's own")
                .isEqualTo(Map.of("detail-type", List.of("job.requested"), "source", List.of("orders.app")));
        assertThat(run.one(Types.ROLE_POLICY, run.prefix() + "-processor-policy")
                        .string("policy"))
                .contains("\"events:source\":\"sluice\"");
        StackRun.Created target = run.one(Types.TARGET, run.prefix() + "-job-requested-dispatcher");
        assertThat(target.string("arn")).contains("function:" + run.prefix() + "-dispatcher");
        assertThat(target.map("deadLetterConfig").get("arn")).asString().endsWith(run.prefix() + "-events-dlq");
        assertThat(run.all(Types.PERMISSION))
                .anySatisfy(p -> assertThat(p.inputs())
                        .containsEntry("principal", "events.amazonaws.com")
                        .containsEntry("function", run.prefix() + "-dispatcher"));
        assertThat(run.all(Types.QUEUE_POLICY))
                .singleElement()
                .satisfies(p -> assertThat(p.string("policy"))
                        .contains("events.amazonaws.com")
                        .contains("aws:SourceArn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void functionsFollowTheRuntimeContract(String stack) {
        StackRun run = StackRun.of(stack);
        Map<String, String> handlers = Map.of(
                "dispatcher", "dev.sluice.bootstrap.dispatcher.DispatcherHandler::handleRequest",
                "processor", "dev.sluice.bootstrap.processor.ProcessorHandler::handleRequest",
                "finalizer", "dev.sluice.bootstrap.finalizer.FinalizerHandler::handleRequest",
                "ingestor", "dev.sluice.bootstrap.ingestor.IngestorHandler::handleRequest");
        Map<String, Object> overrides = config(run, "sluice:functions");
        handlers.forEach((key, handler) -> {
            String name = run.prefix() + "-" + key;
            StackRun.Created fn = run.one(Types.FUNCTION, name);
            assertThat(fn.inputs())
                    .containsEntry("runtime", "java21")
                    .containsEntry("architectures", List.of("arm64"))
                    .containsEntry("handler", handler)
                    .containsEntry("publish", stack.equals("prod"));
            FunctionSettings expected = FunctionSettings.from(
                    FunctionRole.valueOf(key.toUpperCase()),
                    Tree.parse("f", new Gson().toJson(overrides)),
                    run.config.getOrDefault("sluice:vectorStore", "lucene"));
            assertThat(fn.integer("memorySize")).isEqualTo(expected.memoryMb());
            // The processor's timeout is the longest hop's budget (retrievals and the whole fallback chain).
            int timeout = key.equals("processor")
                    ? (int) PipelineConfig.parse(new Gson().toJson(config(run, "sluice:pipeline")), Map.of())
                            .hopBudget()
                            .functionTimeout()
                            .toSeconds()
                    : expected.timeoutSeconds();
            assertThat(fn.integer("timeout")).isEqualTo(timeout);
            @SuppressWarnings("unchecked")
            Map<String, String> env =
                    (Map<String, String>) fn.map("environment").get("variables");
            assertThat(env)
                    .containsKeys(
                            "SLUICE_WORK_QUEUE_URL",
                            "SLUICE_FINALIZE_QUEUE_URL",
                            "SLUICE_INGEST_QUEUE_URL",
                            "SLUICE_JOBS_TABLE",
                            "SLUICE_CACHE_TABLE",
                            "SLUICE_LIMITS_TABLE",
                            "SLUICE_BUCKET",
                            "SLUICE_EVENT_BUS",
                            "SLUICE_CONFIG_OBJECT",
                            "SLUICE_VECTOR_STORE",
                            "SLUICE_EMBEDDER",
                            "SLUICE_MAX_RECEIVE_COUNT",
                            "POWERTOOLS_LOG_LEVEL")
                    .containsEntry(
                            "SLUICE_WORK_QUEUE_URL",
                            "https://sqs." + StackRun.REGION + ".amazonaws.com/" + StackRun.ACCOUNT + "/" + run.prefix()
                                    + "-work")
                    .containsEntry("SLUICE_JOBS_TABLE", run.prefix() + "-jobs")
                    .containsEntry("SLUICE_EVENT_BUS", run.prefix())
                    .containsEntry("SLUICE_CONFIG_OBJECT", "config/sluice.yaml")
                    .containsEntry("SLUICE_MAX_RECEIVE_COUNT", "5")
                    .containsEntry("SLUICE_VECTOR_STORE", run.config.getOrDefault("sluice:vectorStore", "lucene"))
                    .containsEntry("SLUICE_EMBEDDER", run.config.getOrDefault("sluice:embedder", "minilm"))
                    .containsEntry("POWERTOOLS_SERVICE_NAME", name)
                    .containsEntry("POWERTOOLS_METRICS_NAMESPACE", "Sluice");
            StackRun.Created logs = run.one(Types.LOG_GROUP, name + "-logs");
            assertThat(logs.string("name")).isEqualTo("/aws/lambda/" + name);
            assertThat(logs.integer("retentionInDays"))
                    .isEqualTo(Integer.parseInt(run.config.get("sluice:logRetentionDays")));
            assertThat(fn.map("loggingConfig")).containsEntry("logGroup", "/aws/lambda/" + name);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void consumersReadTheirQueuesInBatchesAndReportItemFailures(String stack) {
        StackRun run = StackRun.of(stack);
        CONSUMER_OF.forEach((queue, function) -> {
            StackRun.Created esm = run.one(Types.ESM, run.prefix() + "-" + function + "-esm");
            assertThat(esm.string("eventSourceArn")).endsWith(":" + run.prefix() + "-" + queue);
            assertThat(esm.list("functionResponseTypes")).containsExactly("ReportBatchItemFailures");
            FunctionSettings d = FunctionSettings.defaults(
                    FunctionRole.valueOf(function.toUpperCase()),
                    run.config.getOrDefault("sluice:vectorStore", "lucene"));
            assertThat(esm.integer("batchSize")).isEqualTo(d.batchSize());
            assertThat(esm.integer("maximumBatchingWindowInSeconds")).isEqualTo(d.batchingWindowSeconds());
        });
        StackRun.Created processor = run.one(Types.ESM, run.prefix() + "-processor-esm");
        assertThat(((Number) processor.map("scalingConfig").get("maximumConcurrency")).intValue())
                .isEqualTo(run.outputs.get("processorMaxConcurrency"));
    }

    /** Little's law on each example's limits: calls/s at the binding limit x latency / the processor's batch. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void processorConcurrencyFollowsTheConfiguredLimits(String stack) {
        int expected = switch (stack) {
            // fast: min(500 rpm, 2M tpm / 2000 tokens) = 500/min = 8.33/s x 6 s = 50 in flight / 50 -> 1, at least 2.
            case "dev" -> 2;
            // fast only (steady is a fallback): min(5000, 2M / 2000) = 1000/min = 16.7/s x 8 s = 133 / 50 -> 3.
            case "staging" -> 3;
            // fast min(10000, 10M / 2000) = 5000/min + haiku min(1000, 2M / 2000) = 1000/min: 100/s x 8 s / 50.
            case "prod" -> 16;
            default -> throw new IllegalArgumentException(stack);
        };
        StackRun run = StackRun.of(stack);
        assertThat(run.outputs.get("processorMaxConcurrency")).isEqualTo(expected);
        assertThat(((Number) run.one(Types.ESM, run.prefix() + "-processor-esm")
                                .map("scalingConfig")
                                .get("maximumConcurrency"))
                        .intValue())
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void httpApiServesTheDispatcherRoutesBehindTheConfiguredAuthorizer(String stack) {
        StackRun run = StackRun.of(stack);
        String authorizer = (String) config(run, "sluice:api").get("authorizer");
        assertThat(run.one(Types.API, run.prefix() + "-api").inputs()).containsEntry("protocolType", "HTTP");
        assertThat(run.one(Types.INTEGRATION, run.prefix() + "-api-dispatcher").inputs())
                .containsEntry("integrationType", "AWS_PROXY")
                .containsEntry("payloadFormatVersion", "2.0");
        // Every route the dispatcher answers (its own list), and the operator's console.
        assertThat(run.all(Types.ROUTE).stream().map(r -> r.string("routeKey")))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
                                ApiRoutes.ALL.stream(),
                                java.util.stream.Stream.of("GET /", "GET /{proxy+}", "POST /dead-letters/redrive"))
                        .toList());
        for (StackRun.Created route : run.all(Types.ROUTE)) {
            if (authorizer.equals("jwt")) {
                assertThat(route.inputs())
                        .containsEntry("authorizationType", "JWT")
                        .containsEntry("authorizerId", run.prefix() + "-api-jwt-id");
            } else {
                assertThat(route.inputs())
                        .containsEntry("authorizationType", "AWS_IAM")
                        .doesNotContainKey("authorizerId");
            }
        }
        if (authorizer.equals("jwt")) {
            StackRun.Created jwt = run.one(Types.AUTHORIZER, run.prefix() + "-api-jwt");
            assertThat(jwt.map("jwtConfiguration"))
                    .containsEntry("issuer", config(run, "sluice:api").get("jwtIssuer"));
        } else {
            assertThat(run.all(Types.AUTHORIZER)).isEmpty();
        }
        StackRun.Created stage = run.one(Types.STAGE, run.prefix() + "-api-stage");
        Map<String, Object> api = config(run, "sluice:api");
        assertThat(((Number) stage.map("defaultRouteSettings").get("throttlingRateLimit")).doubleValue())
                .isEqualTo(((Number) api.get("throttleRate")).doubleValue());
        assertThat(((Number) stage.map("defaultRouteSettings").get("throttlingBurstLimit")).intValue())
                .isEqualTo(((Number) api.get("throttleBurst")).intValue());
        assertThat(stage.map("accessLogSettings").get("destinationArn"))
                .asString()
                .endsWith("/aws/apigateway/" + run.prefix() + "-api");
        assertThat(json((String) stage.map("accessLogSettings").get("format")))
                .containsKeys("requestId", "status", "routeKey");
    }

    @Test
    void aStackWithoutTheConsoleDeploysNeitherItsRoutesNorItsGrants() {
        StackRun run = StackRun.of(
                "staging", Map.of("sluice:api", "{\"authorizer\": \"iam\", \"console\": false, \"eventSources\": {}}"));
        assertThat(run.all(Types.ROUTE).stream().map(r -> r.string("routeKey")))
                .containsExactlyInAnyOrderElementsOf(ApiRoutes.ALL);
        String policy =
                run.one(Types.ROLE_POLICY, run.prefix() + "-dispatcher-policy").string("policy");
        assertThat(policy).doesNotContain("Console").doesNotContain("work-dlq").doesNotContain("index/recent");
        StackRun.Created on = StackRun.of("staging").one(Types.ROLE_POLICY, run.prefix() + "-dispatcher-policy");
        assertThat(on.string("policy")).contains("ConsoleDeadLetters").contains("index/recent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void thePipelineDocumentOfTheStackIsDeliveredThroughTheBucket(String stack) {
        StackRun run = StackRun.of(stack);
        StackRun.Created document = run.one(Types.BUCKET_OBJECT, run.prefix() + "-config");
        assertThat(document.string("key")).isEqualTo("config/sluice.yaml");
        Object delivered = new Yaml().load(document.string("content"));
        assertThat(delivered).isEqualTo(config(run, "sluice:pipeline"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void alarmsCoverBacklogAgeDeadLettersErrorsThrottlesAndLlmThrottlingThroughOneTopic(String stack) {
        StackRun run = StackRun.of(stack);
        String p = run.prefix();
        String topic = "arn:aws:sns:" + StackRun.REGION + ":" + StackRun.ACCOUNT + ":" + p + "-alarms";
        run.one(Types.TOPIC, p + "-alarms");
        Set<String> alarms =
                run.all(Types.ALARM).stream().map(StackRun.Created::name).collect(Collectors.toSet());
        for (String q : List.of("work", "finalize", "ingest")) {
            assertThat(alarms)
                    .contains(
                            p + "-" + q + "-backlog-growing",
                            p + "-" + q + "-oldest-message",
                            p + "-" + q + "-dlq-not-empty");
        }
        assertThat(alarms).contains(p + "-events-dlq-not-empty", p + "-llm-throttled");
        for (String f : List.of("dispatcher", "processor", "finalizer", "ingestor")) {
            assertThat(alarms).contains(p + "-" + f + "-errors", p + "-" + f + "-throttles");
        }
        assertThat(run.all(Types.ALARM))
                .allSatisfy(a -> assertThat(a.list("alarmActions")).containsExactly(topic));
        StackRun.Created dlq = run.one(Types.ALARM, p + "-work-dlq-not-empty");
        assertThat(dlq.inputs())
                .containsEntry("metricName", "ApproximateNumberOfMessagesVisible")
                .containsEntry("comparisonOperator", "GreaterThanThreshold");
        assertThat(dlq.integer("threshold")).isZero();
        assertThat(run.one(Types.ALARM, p + "-llm-throttled")
                        .list("metricQueries")
                        .toString())
                .contains("Throttled", "LlmLatency", "Service=" + p + "-processor");
        String dashboard = run.one(Types.DASHBOARD, p + "-dashboard").string("dashboardBody");
        assertThat(dashboard)
                .contains(
                        "\"Sluice\",\"LlmLatency\"",
                        "CostMicroUsd",
                        "JobsFailed",
                        "ApproximateAgeOfOldestMessage",
                        p + "-work-dlq");
        Object email = config(run, "sluice:alarms").get("email");
        assertThat(run.all(Types.SUBSCRIPTION)).hasSize(email == null ? 0 : 1);
    }

    /**
     * The prod example turns SnapStart on and, since Lambda refuses provisioned concurrency on a SnapStart version,
     * asks for no provisioned concurrency: every function is published behind alias {@code live}, and callers use
     * the alias.
     */
    @ParameterizedTest
    @ValueSource(strings = {"prod"})
    void prodPublishesEverySnapStartFunctionBehindAnAliasThatCallersUseAndHasNoProvisionedConcurrency(String stack) {
        StackRun run = StackRun.of(stack);
        String p = run.prefix();
        assertThat(run.config).containsEntry("sluice:snapStart", "true");
        for (String key : List.of("dispatcher", "processor", "finalizer", "ingestor")) {
            StackRun.Created fn = run.one(Types.FUNCTION, p + "-" + key);
            assertThat(fn.map("snapStart")).as(key).containsEntry("applyOn", "PublishedVersions");
            assertThat(fn.inputs()).as(key).containsEntry("publish", true);
            StackRun.Created alias = run.one(Types.ALIAS, p + "-" + key + "-alias");
            assertThat(alias.inputs())
                    .containsEntry("name", "live")
                    .containsEntry("functionName", p + "-" + key)
                    // The version this `pulumi up` published (the mock's "1"), not $LATEST.
                    .containsEntry("functionVersion", "1");
        }
        assertThat(run.all(Types.ALIAS)).hasSize(4);
        assertThat(run.all(Types.PROVISIONED)).isEmpty();
        assertThat(run.one(Types.ESM, p + "-processor-esm").string("functionName"))
                .endsWith(":live");
        assertThat(run.one(Types.TARGET, p + "-job-requested-dispatcher").string("arn"))
                .endsWith(":live");
        assertThat(run.all(Types.PERMISSION))
                .allSatisfy(perm -> assertThat(perm.inputs()).containsEntry("qualifier", "live"));
        // What prune-versions.sh reads: every function publishes, three old versions are kept besides the live one.
        assertThat(run.outputs)
                .containsEntry(
                        "publishedFunctions",
                        List.of(p + "-dispatcher", p + "-processor", p + "-finalizer", p + "-ingestor"))
                .containsEntry("keepVersions", 3);
    }

    /** Without SnapStart or provisioned concurrency a function runs $LATEST: no version published, none to prune. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging"})
    void withoutSnapStartOrProvisionedConcurrencyNothingIsPublished(String stack) {
        StackRun run = StackRun.of(stack);
        assertThat(run.all(Types.FUNCTION))
                .hasSize(4)
                .allSatisfy(fn ->
                        assertThat(fn.inputs()).containsEntry("publish", false).doesNotContainKey("snapStart"));
        assertThat(run.all(Types.ALIAS)).isEmpty();
        assertThat(run.all(Types.PROVISIONED)).isEmpty();
        assertThat(run.one(Types.ESM, run.prefix() + "-processor-esm").string("functionName"))
                .doesNotEndWith(":live");
        assertThat(run.outputs).containsEntry("publishedFunctions", List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"staging"})
    void anOpenSearchServerlessCollectionAdmitsTheRolesThatSearchAndIndex(String stack) {
        StackRun run = StackRun.of(stack);
        StackRun.Created access =
                run.one("aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy", run.prefix() + "-vectors");
        assertThat(access.string("type")).isEqualTo("data");
        assertThat(access.string("policy"))
                .contains("\"index/sluice-staging/docs\"")
                .contains("sluice-staging-processor", "sluice-staging-ingestor")
                .doesNotContain("sluice-staging-dispatcher", "sluice-staging-finalizer")
                .doesNotContain("index/sluice-staging/*", "aoss:UpdateIndex", "aoss:DeleteIndex", "CollectionItems");
        // The processor searches; only the ingestor creates indexes and writes.
        List<Map<String, Object>> rules =
                new Gson().fromJson(access.string("policy"), new TypeToken<List<Map<String, Object>>>() {}.getType());
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).get("Principal")).isEqualTo(List.of(ROLE_ARN + "sluice-staging-processor"));
        assertThat(rules.get(0).get("Rules").toString())
                .contains("aoss:DescribeIndex", "aoss:ReadDocument")
                .doesNotContain("aoss:WriteDocument", "aoss:CreateIndex");
        assertThat(rules.get(1).get("Principal")).isEqualTo(List.of(ROLE_ARN + "sluice-staging-ingestor"));
        assertThat(rules.get(1).get("Rules").toString())
                .contains("aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument");
        assertThat(StackRun.of("dev").all("aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"))
                .isEmpty();
    }

    /** How the mocked provider names a role's ARN. */
    private static final String ROLE_ARN = "arn:aws:iam:" + StackRun.REGION + ":" + StackRun.ACCOUNT + ":";

    @SuppressWarnings("unchecked")
    static Map<String, Object> config(StackRun run, String key) {
        String raw = run.config.get(key);
        return raw == null ? Map.of() : (Map<String, Object>) new Yaml().load(raw);
    }

    static Map<String, Object> json(String text) {
        return new Gson().fromJson(text, new TypeToken<Map<String, Object>>() {}.getType());
    }
}

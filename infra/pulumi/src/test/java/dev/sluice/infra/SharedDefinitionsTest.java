package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.aws.resources.BucketDefinition;
import dev.sluice.adapter.aws.resources.QueueDefinition;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.adapter.aws.resources.ResourceSettings;
import dev.sluice.adapter.aws.resources.SluiceResources;
import dev.sluice.adapter.aws.resources.SluiceTables;
import dev.sluice.adapter.aws.resources.TableDefinition;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each stack deploys agrees with the shared definitions the local runtime provisions from
 * ({@code dev.sluice.adapter.aws.resources}), so that what was tested against the stand-ins is what runs in AWS.
 * Where the two differ on purpose, the rule both must keep is asserted instead, with the reason.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedDefinitionsTest {
    private static final Map<QueueRole, FunctionRole> CONSUMER = Map.of(
            QueueRole.WORK, FunctionRole.PROCESSOR,
            QueueRole.FINALIZE, FunctionRole.FINALIZER,
            QueueRole.INGEST, FunctionRole.INGESTOR);

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void queuesHaveTheSharedNamesRedriveRetentionAndDelay(String stack) {
        StackRun run = StackRun.of(stack);
        // With the stack's prefix, the shared definition names every queue exactly as the stack does.
        SluiceResources shared = SluiceResources.of(ResourceSettings.defaults(run.prefix()));

        assertThat(Definitions.QUEUES)
                .containsExactlyElementsOf(
                        Arrays.stream(QueueRole.values()).map(QueueRole::suffix).toList());
        assertThat(run.all(Types.QUEUE).stream()
                        .map(StackRun.Created::name)
                        .filter(n -> !n.equals(run.prefix() + "-events-dlq")))
                .as("the stack's queues besides the events DLQ, which is the dispatcher's alone")
                .containsExactlyInAnyOrderElementsOf(
                        shared.queues().stream().map(QueueDefinition::name).toList());

        for (QueueRole role : QueueRole.values()) {
            QueueDefinition main = shared.queue(role);
            QueueDefinition dlq = shared.deadLetterQueue(role);
            StackRun.Created queue = run.one(Types.QUEUE, main.name());
            StackRun.Created deadLetters = run.one(Types.QUEUE, dlq.name());
            assertThat(dlq.name()).isEqualTo(main.name() + Definitions.DLQ_SUFFIX);

            Map<String, Object> redrive = StackExamplesTest.json(queue.string("redrivePolicy"));
            assertThat(redrive.get("deadLetterTargetArn"))
                    .asString()
                    .endsWith(":" + main.redrive().orElseThrow().deadLetterQueueName());
            assertThat(((Number) redrive.get("maxReceiveCount")).intValue())
                    .isEqualTo(main.redrive().orElseThrow().maxReceiveCount())
                    .isEqualTo(ResourceSettings.DEFAULT_MAX_RECEIVE_COUNT)
                    .isEqualTo(Definitions.MAX_RECEIVE_COUNT);
            assertThat(deadLetters.inputs()).doesNotContainKey("redrivePolicy");

            assertThat((long) queue.integer("messageRetentionSeconds"))
                    .isEqualTo(main.retention().toSeconds());
            assertThat((long) deadLetters.integer("messageRetentionSeconds"))
                    .isEqualTo(dlq.retention().toSeconds());
            assertThat((long) queue.integer("delaySeconds"))
                    .isEqualTo(main.deliveryDelay().toSeconds());
            // A dead-letter queue is nobody's event source: SQS's default visibility (30 s) is the shared one.
            assertThat(((Number) deadLetters.inputs().getOrDefault("visibilityTimeoutSeconds", 30)).longValue())
                    .isEqualTo(dlq.visibilityTimeout().toSeconds());
        }
    }

    /**
     * Visibility differs on purpose: the shared defaults are six times the function timeouts the local runtime
     * assumes (60/30/150 s), while a stack derives it from the timeouts it actually deploys. The rule both keep is
     * AWS's for SQS event sources: at least six times the consuming function's timeout (a stack adds the batching
     * window, during which a gathered message is already in flight).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void visibilityIsSixTimesTheDeployedConsumersTimeoutAsInTheSharedDefinition(String stack) {
        StackRun run = StackRun.of(stack);
        SluiceResources shared = SluiceResources.of(ResourceSettings.defaults(run.prefix()));
        Map<QueueRole, Integer> assumedTimeouts =
                Map.of(QueueRole.WORK, 60, QueueRole.FINALIZE, 30, QueueRole.INGEST, 150);
        for (QueueRole role : QueueRole.values()) {
            assertThat(shared.queue(role).visibilityTimeout())
                    .isEqualTo(Duration.ofSeconds(
                            (long) Definitions.VISIBILITY_PER_FUNCTION_TIMEOUT * assumedTimeouts.get(role)));
            FunctionRole consumer = CONSUMER.get(role);
            assertThat(consumer.consumes()).contains(role.suffix());
            int visibility = run.one(Types.QUEUE, shared.queue(role).name()).integer("visibilityTimeoutSeconds");
            int timeout =
                    run.one(Types.FUNCTION, run.prefix() + "-" + consumer.key()).integer("timeout");
            int window = run.one(Types.ESM, run.prefix() + "-" + consumer.key() + "-esm")
                    .integer("maximumBatchingWindowInSeconds");
            assertThat(visibility)
                    .as(role.suffix())
                    .isEqualTo(Math.min(Definitions.VISIBILITY_PER_FUNCTION_TIMEOUT * timeout + window, 43_200));
        }
    }

    /**
     * Queues keep SQS's default 256 KiB (the shared minimum): bodies above the claim-check threshold travel through
     * S3, so every message, the pointer's envelope included, stays below it. No queue is raised to 1 MiB by hand, so
     * `pulumi up` and `pulumi refresh` agree with AWS on the size.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void messageSizeIsTheSharedMinimumAboveTheClaimCheckThreshold(String stack) throws Exception {
        StackRun run = StackRun.of(stack);
        SluiceResources shared = SluiceResources.of(ResourceSettings.defaults(run.prefix()));
        assertThat(Definitions.MAX_MESSAGE_SIZE).isEqualTo(QueueDefinition.MIN_MESSAGE_BYTES);
        // Room for the claim check's pointer and the message's other attributes above the threshold.
        assertThat(dev.sluice.adapter.aws.sqs.SqsWorkQueueSettings.DEFAULT_CLAIM_CHECK_THRESHOLD)
                .isLessThanOrEqualTo(Definitions.MAX_MESSAGE_SIZE - 50_000);
        for (QueueDefinition q : shared.queues()) {
            assertThat(run.one(Types.QUEUE, q.name()).integer("maxMessageSize"))
                    .isEqualTo(Definitions.MAX_MESSAGE_SIZE);
        }
        assertThat(run.one(Types.QUEUE, run.prefix() + "-events-dlq").integer("maxMessageSize"))
                .isEqualTo(Definitions.MAX_MESSAGE_SIZE);
        assertThat(java.nio.file.Path.of("raise-message-size.sh")).doesNotExist();
    }

    /**
     * Table names differ on purpose: the local runtime's are {@code sluice-<table>-<environment>}, a stack's
     * {@code sluice-<stack>-<table>}, so that every resource of a stack shares one prefix (roles, alarms, the
     * dashboard and the console list them together). The runtime takes table names from its environment, never from
     * a convention, so only the table set, key, billing and TTL attribute must agree. A stack also turns TTL on for
     * {@code jobs} (shared: none); the job store writes no {@code expiresAt}, so nothing there expires.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void tablesHaveTheSharedSetKeyBillingAndTtlAttribute(String stack) {
        StackRun run = StackRun.of(stack);
        List<TableDefinition> shared = new SluiceTables(stack).all();
        Map<String, TableDefinition> byBase = shared.stream()
                .collect(Collectors.toMap(
                        t -> t.name().substring("sluice-".length(), t.name().length() - ("-" + stack).length()),
                        t -> t));
        assertThat(byBase.keySet()).containsExactlyInAnyOrderElementsOf(Definitions.TABLES);
        assertThat(run.all(Types.TABLE)).hasSameSizeAs(shared);
        @SuppressWarnings("unchecked")
        Map<String, String> tablesOutput = (Map<String, String>) run.outputs.get("tables");

        byBase.forEach((base, table) -> {
            StackRun.Created deployed = run.one(Types.TABLE, run.prefix() + "-" + base);
            assertThat(tablesOutput).containsEntry(base, run.prefix() + "-" + base);
            assertThat(table.partitionKey().name()).isEqualTo(SluiceTables.PARTITION_KEY);
            assertThat(deployed.inputs())
                    .as(base)
                    .containsEntry("hashKey", table.partitionKey().name())
                    .containsEntry(
                            "attributes",
                            table.keyAttributes().stream()
                                    .map(k -> Map.of(
                                            "name", k.name(), "type", k.type().code()))
                                    .toList())
                    .containsEntry("billingMode", table.billing().apiValue())
                    .doesNotContainKey("rangeKey");
            assertThat(table.sortKey()).isEmpty();
            // Each index as the local runtime creates it: name, keys and projection.
            assertThat(deployed.inputs().getOrDefault("globalSecondaryIndexes", List.of()))
                    .as(base + " indexes")
                    .isEqualTo(table.globalIndexes().stream()
                            .map(i -> {
                                Map<String, Object> index = new java.util.LinkedHashMap<>();
                                index.put("hashKey", i.partitionKey().name());
                                index.put("name", i.name());
                                index.put("projectionType", i.projection().name());
                                i.sortKey().ifPresent(k -> index.put("rangeKey", k.name()));
                                return index;
                            })
                            .toList());
            table.ttlAttribute()
                    .ifPresent(ttl -> assertThat(deployed.map("ttl"))
                            .as(base)
                            .containsEntry("attributeName", ttl)
                            .containsEntry("enabled", true));
            assertThat(deployed.map("ttl")).containsEntry("attributeName", SluiceTables.TTL_ATTRIBUTE);
        });
        assertThat(Definitions.HASH_KEY).isEqualTo(SluiceTables.PARTITION_KEY);
        assertThat(Definitions.TTL_ATTRIBUTE).isEqualTo(SluiceTables.TTL_ATTRIBUTE);
    }

    /**
     * The bucket's name differs on purpose (a stack's gets a random suffix, bucket names being global), the key
     * layout may not; and a claim-checked body must outlive every message that points at it, dead-letter queues
     * included: the shared definition keeps payloads 15 days against 14 days of dead-letter retention.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void bucketUsesTheSharedKeyLayoutAndKeepsPayloadsLongerThanAnyMessageLives(String stack) {
        StackRun run = StackRun.of(stack);
        SluiceResources shared = SluiceResources.of(ResourceSettings.defaults(run.prefix()));
        assertThat(List.of(Definitions.PAYLOADS, Definitions.RESULTS, Definitions.TRACES, Definitions.INDEXES))
                .containsExactly(
                        BucketDefinition.PAYLOADS,
                        BucketDefinition.JOBS,
                        BucketDefinition.TRACES,
                        BucketDefinition.INDEXES);
        int payloadDays = run.one(Types.BUCKET_LIFECYCLE, run.prefix() + "-bucket-lifecycle").list("rules").stream()
                .map(r -> (Map<?, ?>) r)
                .filter(r -> "expire-payloads".equals(r.get("id")))
                .map(r -> ((Number) ((Map<?, ?>) r.get("expiration")).get("days")).intValue())
                .findFirst()
                .orElseThrow();
        Duration longestMessageLife = shared.deadLetterQueue(QueueRole.WORK).retention();
        assertThat(Duration.ofDays(payloadDays)).isGreaterThan(longestMessageLife);
        assertThat(shared.bucket().payloadExpiry()).isGreaterThan(longestMessageLife);
        assertThat(payloadDays)
                .isGreaterThanOrEqualTo((int) shared.bucket().payloadExpiry().toDays());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "14"})
    void aPayloadExpiryShorterThanDeadLetterRetentionIsRefused(String days) {
        assertThatThrownBy(() -> StackRun.of("dev", Map.of("sluice:retention", "{\"payloadDays\":" + days + "}")))
                .hasMessageContaining("sluice:retention.payloadDays: must be at least 15");
    }
}

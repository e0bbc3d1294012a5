package dev.sluice.infra;

import com.google.gson.Gson;
import com.pulumi.aws.cloudwatch.EventBus;
import com.pulumi.aws.cloudwatch.EventBusArgs;
import com.pulumi.aws.dynamodb.Table;
import com.pulumi.aws.dynamodb.TableArgs;
import com.pulumi.aws.dynamodb.inputs.TableAttributeArgs;
import com.pulumi.aws.dynamodb.inputs.TableGlobalSecondaryIndexArgs;
import com.pulumi.aws.dynamodb.inputs.TablePointInTimeRecoveryArgs;
import com.pulumi.aws.dynamodb.inputs.TableTtlArgs;
import com.pulumi.aws.s3.BucketLifecycleConfigurationV2;
import com.pulumi.aws.s3.BucketLifecycleConfigurationV2Args;
import com.pulumi.aws.s3.BucketObjectv2;
import com.pulumi.aws.s3.BucketObjectv2Args;
import com.pulumi.aws.s3.BucketOwnershipControls;
import com.pulumi.aws.s3.BucketOwnershipControlsArgs;
import com.pulumi.aws.s3.BucketPolicy;
import com.pulumi.aws.s3.BucketPolicyArgs;
import com.pulumi.aws.s3.BucketPublicAccessBlock;
import com.pulumi.aws.s3.BucketPublicAccessBlockArgs;
import com.pulumi.aws.s3.BucketServerSideEncryptionConfigurationV2;
import com.pulumi.aws.s3.BucketServerSideEncryptionConfigurationV2Args;
import com.pulumi.aws.s3.BucketV2;
import com.pulumi.aws.s3.BucketV2Args;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleExpirationArgs;
import com.pulumi.aws.s3.inputs.BucketLifecycleConfigurationV2RuleFilterArgs;
import com.pulumi.aws.s3.inputs.BucketOwnershipControlsRuleArgs;
import com.pulumi.aws.s3.inputs.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs;
import com.pulumi.aws.s3.inputs.BucketServerSideEncryptionConfigurationV2RuleArgs;
import com.pulumi.aws.sqs.Queue;
import com.pulumi.aws.sqs.QueueArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.CustomResourceOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stateful part of a stack: queues with their DLQs, tables, the bucket, the event bus, the configuration document. */
record DataPlane(
        Map<String, QueuePair> queues,
        Map<String, Table> tables,
        BucketV2 bucket,
        EventBus bus,
        BucketObjectv2 config) {

    /**
     * Where the functions read the stack's models/pipelines/indexes document ({@code SLUICE_CONFIG_OBJECT}): an object
     * in the stack's bucket, readable by the functions and writable by none of them.
     */
    static final String CONFIG_KEY = "config/sluice.yaml";

    /** Longer than Bedrock's longest batch inference job (a week) and the batcher's grace after it. */
    static final int BATCH_RECORD_DAYS = 14;

    /** A queue and the dead-letter queue its redrive policy points at. */
    record QueuePair(String name, Queue queue, Queue dlq) {}

    static DataPlane create(StackSettings s) {
        Map<String, QueuePair> queues = new LinkedHashMap<>();
        for (String name : Definitions.QUEUES) {
            queues.put(name, queuePair(s, name, visibilityTimeout(s, name)));
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        for (String name : Definitions.TABLES) {
            tables.put(name, table(s, name));
        }
        BucketV2 bucket = bucket(s);
        EventBus bus = new EventBus(
                s.prefix() + "-bus", EventBusArgs.builder().name(s.prefix()).build());
        BucketObjectv2 config = new BucketObjectv2(
                s.prefix() + "-config",
                BucketObjectv2Args.builder()
                        .bucket(bucket.bucket())
                        .key(CONFIG_KEY)
                        .content(s.pipeline().yaml())
                        .contentType("application/yaml")
                        .build());
        return new DataPlane(queues, tables, bucket, bus, config);
    }

    /**
     * Six times the consuming function's timeout plus its batching window (AWS's rule for SQS event sources), so a
     * message is not redelivered while a slow batch that holds it is still running or still being gathered.
     */
    static int visibilityTimeout(StackSettings s, String queue) {
        FunctionRole consumer = java.util.Arrays.stream(FunctionRole.values())
                .filter(r -> r.consumes().orElse("").equals(queue))
                .findFirst()
                .orElseThrow();
        FunctionSettings f = s.function(consumer);
        int seconds = Definitions.VISIBILITY_PER_FUNCTION_TIMEOUT * f.timeoutSeconds() + f.batchingWindowSeconds();
        return Math.min(seconds, 43_200);
    }

    private static QueuePair queuePair(StackSettings s, String name, int visibility) {
        String queueName = s.prefix() + "-" + name;
        Queue dlq = new Queue(
                queueName + Definitions.DLQ_SUFFIX,
                QueueArgs.builder()
                        .name(queueName + Definitions.DLQ_SUFFIX)
                        .sqsManagedSseEnabled(true)
                        .maxMessageSize(Definitions.MAX_MESSAGE_SIZE)
                        .messageRetentionSeconds(Definitions.DLQ_RETENTION_SECONDS)
                        .build());
        Queue queue = new Queue(
                queueName,
                QueueArgs.builder()
                        .name(queueName)
                        .sqsManagedSseEnabled(true)
                        .maxMessageSize(Definitions.MAX_MESSAGE_SIZE)
                        .messageRetentionSeconds(Definitions.QUEUE_RETENTION_SECONDS)
                        .visibilityTimeoutSeconds(visibility)
                        // Standard queue, no queue-wide delay: each deferred message carries its own DelaySeconds.
                        .delaySeconds(0)
                        .receiveWaitTimeSeconds(20)
                        .redrivePolicy(dlq.arn()
                                .applyValue(arn -> new Gson()
                                        .toJson(Map.of(
                                                "deadLetterTargetArn", arn, "maxReceiveCount", s.maxReceiveCount()))))
                        .build());
        return new QueuePair(name, queue, dlq);
    }

    private static Table table(StackSettings s, String name) {
        boolean jobs = name.equals(Definitions.PITR_TABLE);
        TableArgs.Builder table = TableArgs.builder()
                .name(s.prefix() + "-" + name)
                .billingMode("PAY_PER_REQUEST")
                .hashKey(Definitions.HASH_KEY);
        if (jobs) {
            table.attributes(
                            attribute(Definitions.HASH_KEY, "S"),
                            attribute(Definitions.RECENT_PARTITION_KEY, "S"),
                            attribute(Definitions.RECENT_SORT_KEY, "N"))
                    .globalSecondaryIndexes(TableGlobalSecondaryIndexArgs.builder()
                            .name(Definitions.RECENT_INDEX)
                            .hashKey(Definitions.RECENT_PARTITION_KEY)
                            .rangeKey(Definitions.RECENT_SORT_KEY)
                            .projectionType("KEYS_ONLY")
                            .build());
        } else {
            table.attributes(attribute(Definitions.HASH_KEY, "S"));
        }
        return new Table(
                s.prefix() + "-" + name,
                table.ttl(TableTtlArgs.builder()
                                .attributeName(Definitions.TTL_ATTRIBUTE)
                                .enabled(true)
                                .build())
                        .pointInTimeRecovery(TablePointInTimeRecoveryArgs.builder()
                                .enabled(jobs)
                                .build())
                        .deletionProtectionEnabled(jobs && s.protect())
                        .build());
    }

    private static TableAttributeArgs attribute(String name, String type) {
        return TableAttributeArgs.builder().name(name).type(type).build();
    }

    private static BucketV2 bucket(StackSettings s) {
        String name = s.prefix() + "-bucket";
        BucketV2 bucket = new BucketV2(
                name,
                BucketV2Args.builder()
                        // A protected stack keeps its objects on `pulumi destroy`; others empty the bucket first.
                        .forceDestroy(!s.protect())
                        .build());
        new BucketOwnershipControls(
                name + "-ownership",
                BucketOwnershipControlsArgs.builder()
                        .bucket(bucket.id())
                        .rule(BucketOwnershipControlsRuleArgs.builder()
                                .objectOwnership("BucketOwnerEnforced")
                                .build())
                        .build());
        BucketPublicAccessBlock block = new BucketPublicAccessBlock(
                name + "-public-access",
                BucketPublicAccessBlockArgs.builder()
                        .bucket(bucket.id())
                        .blockPublicAcls(true)
                        .blockPublicPolicy(true)
                        .ignorePublicAcls(true)
                        .restrictPublicBuckets(true)
                        .build());
        new BucketServerSideEncryptionConfigurationV2(
                name + "-encryption",
                BucketServerSideEncryptionConfigurationV2Args.builder()
                        .bucket(bucket.id())
                        .rules(BucketServerSideEncryptionConfigurationV2RuleArgs.builder()
                                .applyServerSideEncryptionByDefault(
                                        BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs
                                                .builder()
                                                .sseAlgorithm("AES256")
                                                .build())
                                .bucketKeyEnabled(true)
                                .build())
                        .build());
        new BucketLifecycleConfigurationV2(
                name + "-lifecycle",
                BucketLifecycleConfigurationV2Args.builder()
                        .bucket(bucket.id())
                        .rules(
                                expire("expire-payloads", Definitions.PAYLOADS, s.payloadRetentionDays()),
                                expire("expire-traces", Definitions.TRACES, s.traceRetentionDays()),
                                // A batch inference job lasts a week at most; its records are read when it ends.
                                expire("expire-batch-records", Definitions.BATCHES, BATCH_RECORD_DAYS),
                                BucketLifecycleConfigurationV2RuleArgs.builder()
                                        .id("abort-incomplete-uploads")
                                        .status("Enabled")
                                        .filter(BucketLifecycleConfigurationV2RuleFilterArgs.builder()
                                                .prefix("")
                                                .build())
                                        .abortIncompleteMultipartUpload(
                                                BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs
                                                        .builder()
                                                        .daysAfterInitiation(1)
                                                        .build())
                                        .build())
                        .build());
        PolicyDocument tlsOnly = new PolicyDocument()
                .denyInsecureTransport(List.of(bucket.arn(), bucket.arn().applyValue(arn -> arn + "/*")));
        new BucketPolicy(
                name + "-policy",
                BucketPolicyArgs.builder()
                        .bucket(bucket.id())
                        .policy(tlsOnly.toJson())
                        .build(),
                // S3 rejects any bucket policy while the public access block is being written.
                CustomResourceOptions.builder().dependsOn(block).build());
        return bucket;
    }

    private static BucketLifecycleConfigurationV2RuleArgs expire(String id, String prefix, int days) {
        return BucketLifecycleConfigurationV2RuleArgs.builder()
                .id(id)
                .status("Enabled")
                .filter(BucketLifecycleConfigurationV2RuleFilterArgs.builder()
                        .prefix(prefix)
                        .build())
                .expiration(BucketLifecycleConfigurationV2RuleExpirationArgs.builder()
                        .days(days)
                        .build())
                .build();
    }

    Output<String> queueUrl(String name) {
        return queues.get(name).queue().url();
    }

    Output<String> queueArn(String name) {
        return queues.get(name).queue().arn();
    }

    Output<String> deadLetterQueueArn(String name) {
        return queues.get(name).dlq().arn();
    }
}

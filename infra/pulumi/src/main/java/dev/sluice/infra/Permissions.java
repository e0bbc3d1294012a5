package dev.sluice.infra;

import com.pulumi.core.Output;
import dev.sluice.domain.engine.SemanticAnswers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What each function may do, and nothing more: the calls its code makes, on its own queues, tables, bucket
 * prefixes, secrets and bus. The container worker runs the three consumers, so it gets their union.
 *
 * <p>Who calls what (bootstrap-lambda's components and the adapters they wire):
 *
 * <ul>
 *   <li>dispatcher: creates jobs and batches (PutItem; inputs over 4 KB go to {@code jobs/}), reads them (GetItem,
 *       large values from {@code jobs/}), withdraws a job whose first message could not be sent (DeleteItem), fails,
 *       counts and reopens (UpdateItem); sends to {@code work}, {@code ingest} and, when a retried job has run all its
 *       hops, {@code finalize}, large bodies claim-checked under {@code payloads/}; lists and reads {@code traces/}.
 *       No model, embedder or vector store is built, so no secret and no Bedrock. With the operator's console
 *       ({@code sluice:api.console}, on by default) it also queries the jobs table's {@code recent} index and reads
 *       those jobs (BatchGetItem), reads each queue's depth, and receives and deletes dead letters (a redrive).
 *   <li>processor: leases, advances, releases, completes and fails jobs (GetItem, UpdateItem); the completion cache
 *       (GetItem, PutItem, DeleteItem) and the rate limiter (GetItem, UpdateItem); reads its messages' payloads and
 *       writes claim checks; writes hop traces (never reads them); every model client, the embedder and the vector
 *       store are built at init, so it reads every provider key; searches the vector store, and writes only a
 *       semantic cache's index (when a step has one).
 *   <li>finalizer: reads and ends jobs (GetItem, UpdateItem, results and failures under {@code jobs/}); publishes.
 *   <li>ingestor: no job table at all; reads its payloads; the embedder's and the vector store's keys only; creates
 *       indexes and writes chunks.
 * </ul>
 *
 * @param account the deploying account id
 * @param region the stack's region
 * @param bedrockBatchRole the role Bedrock's batch inference reads and writes the batch records with, when a Bedrock
 *     model has a batch route ({@link BedrockBatchRole})
 */
record Permissions(
        StackSettings settings,
        DataPlane data,
        Output<String> account,
        Output<String> region,
        Output<String> eventsDlqArn,
        Optional<Output<String>> bedrockBatchRole) {
    /** What Lambda's SQS event source mapping calls as the function's role. */
    private static final List<String> LAMBDA_POLLS =
            List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
    /** What the container worker's pollers call: ReceiveMessage, DeleteMessageBatch (authorized as DeleteMessage). */
    private static final List<String> WORKER_POLLS = List.of("sqs:ReceiveMessage", "sqs:DeleteMessage");
    /** SendMessageBatch is authorized as SendMessage. */
    private static final List<String> SEND = List.of("sqs:SendMessage");

    /** DynamoDbJobStore as the dispatcher uses it: create, read, withdraw, fail/count/reopen. */
    private static final List<String> JOBS_SUBMIT =
            List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
    /** DynamoDbJobStore as the engine uses it: conditional updates of existing items, and reads. */
    private static final List<String> JOBS_ENGINE = List.of("dynamodb:GetItem", "dynamodb:UpdateItem");
    /** DynamoDbCompletionCache: get, put, and delete of an entry that can no longer be used. */
    private static final List<String> CACHE = List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem");
    /** DynamoDbRateLimiter: conditional updates (book, settle, strike, hold) and reads. */
    /** A call parked for a batch is listed on its window (an update) before its line is written. */
    private static final List<String> CACHE_AND_PARKING =
            List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem");

    private static final List<String> BATCH_LINES =
            List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem");

    private static final List<String> LIMITS = List.of("dynamodb:GetItem", "dynamodb:UpdateItem");
    /** DynamoDbSpendLedger's read side, for GET /v1/usage: a tenant's days by key. */
    private static final List<String> USAGE = List.of("dynamodb:GetItem", "dynamodb:BatchGetItem");

    private static final List<String> GET = List.of("s3:GetObject");
    private static final List<String> PUT = List.of("s3:PutObject");
    private static final List<String> GET_PUT = List.of("s3:GetObject", "s3:PutObject");

    /** Converse and InvokeModel are both authorized as InvokeModel; sluice never streams. */
    private static final List<String> INVOKE = List.of("bedrock:InvokeModel");

    /** Geography prefixes of Bedrock cross-region inference profile ids, e.g. {@code eu.anthropic.claude-...}. */
    private static final Pattern INFERENCE_PROFILE = Pattern.compile("^(us|eu|apac|us-gov|ca|jp|au|global)\\.(.+)$");

    /**
     * The inline policy of one function's role.
     *
     * @param polled whether Lambda polls the function's queue for it (no event source mapping in fargate mode)
     */
    PolicyDocument function(FunctionRole role, Output<String> logGroupArn, boolean polled) {
        PolicyDocument doc = new PolicyDocument();
        logs(doc, logGroupArn);
        readConfig(doc);
        if (settings.tracing().xray()) {
            doc.allow(
                    "XRayTraces",
                    List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
                    List.of(Output.of("*")));
        }
        if (polled) {
            doc.allow(
                    "ConsumeQueues",
                    LAMBDA_POLLS,
                    List.of(data.queueArn(role.consumes().orElseThrow())));
        }
        switch (role) {
            case DISPATCHER -> dispatcher(doc);
            case PROCESSOR -> processor(doc);
            case FINALIZER -> finalizer(doc);
            case INGESTOR -> ingestor(doc);
            case BATCHER -> batcher(doc);
        }
        return doc;
    }

    /** The ECS task role of the container worker: it polls all three queues and runs their three consumers. */
    PolicyDocument worker() {
        PolicyDocument doc = new PolicyDocument();
        readConfig(doc);
        List<Output<String>> queues = new ArrayList<>();
        for (FunctionRole role : FunctionRole.values()) {
            role.consumes().ifPresent(q -> queues.add(data.queueArn(q)));
        }
        doc.allow("ConsumeQueues", WORKER_POLLS, queues);
        processor(doc);
        finalizer(doc);
        ingestor(doc);
        return doc;
    }

    private void readConfig(PolicyDocument doc) {
        doc.allow("ReadConfig", GET, List.of(data.bucket().arn().applyValue(arn -> arn + "/" + DataPlane.CONFIG_KEY)));
    }

    private void dispatcher(PolicyDocument doc) {
        // Submissions and ingestion requests; a retried job whose hops are all done goes straight to the finalizer.
        doc.allow(
                "SendMessages",
                SEND,
                List.of(data.queueArn("work"), data.queueArn("finalize"), data.queueArn("ingest")));
        // Lambda's on-failure destination for events it could not handle.
        doc.allow("EventsDeadLetters", SEND, List.of(eventsDlqArn));
        table(doc, "jobs", JOBS_SUBMIT);
        // GET /v1/usage reads the spend ledger's items on the limits table; it never writes them.
        table(doc, "limits", USAGE);
        // Claim checks of large bodies it sends; it never receives a message.
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, PUT);
        // Large job inputs (and failure reasons) are written under jobs/{id}/ with the item, and read back with it.
        prefix(doc, "ResultObjects", Definitions.RESULTS, GET_PUT);
        prefix(doc, "TraceObjects", Definitions.TRACES, GET);
        // GET /v1/jobs/{id}/trace lists the job's hop records under traces/{jobId}/.
        listing(doc, "ListTraces", Definitions.TRACES);
        if (settings.api().console()) {
            // The operator's console: the newest jobs from the jobs table's index, then their summaries by key;
            // each queue's depth; what is in the dead-letter queues, and a redrive that deletes each one it retried
            // or moves it back (SendMessages above).
            Output<String> jobs = data.tables().get("jobs").arn();
            doc.allow(
                    "ConsoleJobsList",
                    List.of("dynamodb:Query"),
                    List.of(jobs.applyValue(arn -> arn + "/index/" + Definitions.RECENT_INDEX)));
            doc.allow("ConsoleJobSummaries", List.of("dynamodb:BatchGetItem"), List.of(jobs));
            List<Output<String>> queues = new ArrayList<>();
            List<Output<String>> deadLetters = new ArrayList<>();
            for (String q : Definitions.QUEUES) {
                queues.add(data.queueArn(q));
                deadLetters.add(data.deadLetterQueueArn(q));
            }
            doc.allow("ConsoleQueueDepths", List.of("sqs:GetQueueAttributes"), queues);
            doc.allow("ConsoleDeadLetters", LAMBDA_POLLS, deadLetters);
        }
    }

    private void processor(PolicyDocument doc) {
        // Next hop and deferrals go back to the work queue; the last hop hands over to the finalizer.
        doc.allow("SendMessages", SEND, List.of(data.queueArn("work"), data.queueArn("finalize")));
        table(doc, "jobs", JOBS_ENGINE);
        table(doc, "cache", settings.pipeline().batchRoute() ? CACHE_AND_PARKING : CACHE);
        table(doc, "limits", LIMITS);
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, GET_PUT);
        prefix(doc, "ResultObjects", Definitions.RESULTS, GET_PUT);
        prefix(doc, "TraceObjects", Definitions.TRACES, PUT);
        if (lucene()) {
            // Restores the snapshot the ingestor last published; a missing one must read as 404, not 403.
            prefix(doc, "IndexObjects", Definitions.INDEXES, GET);
            listing(doc, "ListIndexSnapshots", Definitions.INDEXES);
        }
        opensearch(doc, false);
        semanticCache(doc);
        Collection<String> secrets = new TreeSet<>(settings.modelSecretNames());
        secrets.addAll(settings.retrievalSecretNames());
        secrets(doc, secrets);
        bedrock(doc, true);
        // A job that fails on its last delivery is announced by the processor itself.
        publishOwnEvents(doc);
    }

    /**
     * The batcher: the parked calls and their windows in the cache table (read, listed, answered), and the keys of the
     * models with a batch route; it sends no message and touches no job.
     */
    private void batcher(PolicyDocument doc) {
        table(doc, "cache", BATCH_LINES);
        secrets(doc, new TreeSet<>(settings.batchSecretNames()));
        bedrockBatches(doc);
    }

    /**
     * Bedrock's batch inference: the batcher writes a window's records under {@code batches/} and reads the answers
     * there, creates and reads model invocation jobs of the batch models, and passes the batch role to Bedrock only.
     */
    private void bedrockBatches(PolicyDocument doc) {
        if (bedrockBatchRole.isEmpty()) {
            return;
        }
        prefix(doc, "BatchRecords", Definitions.BATCHES, GET_PUT);
        Output<String> jobs = Output.format("arn:aws:bedrock:%s:%s:model-invocation-job/*", region, account);
        List<Output<String>> create = new ArrayList<>(List.of(jobs));
        settings.pipeline().bedrockBatchModels().forEach(m -> {
            Output<String> r = m.option("region").map(Output::of).orElse(region);
            var profile = INFERENCE_PROFILE.matcher(m.modelId());
            if (profile.matches()) {
                create.add(Output.format("arn:aws:bedrock:%s:%s:inference-profile/%s", r, account, m.modelId()));
                create.add(Output.of("arn:aws:bedrock:*::foundation-model/" + profile.group(2)));
            } else {
                create.add(Output.format("arn:aws:bedrock:%s::foundation-model/%s", r, m.modelId()));
            }
        });
        doc.allow("BedrockBatchJobs", List.of("bedrock:CreateModelInvocationJob"), create);
        doc.allow("BedrockBatchJobStatus", List.of("bedrock:GetModelInvocationJob"), List.of(jobs));
        doc.allowWhere(
                "PassBatchRole",
                List.of("iam:PassRole"),
                List.of(bedrockBatchRole.get()),
                "StringEquals",
                "iam:PassedToService",
                Output.of("bedrock.amazonaws.com"));
    }

    private void finalizer(PolicyDocument doc) {
        table(doc, "jobs", JOBS_ENGINE);
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, GET);
        prefix(doc, "ResultObjects", Definitions.RESULTS, GET_PUT);
        publishOwnEvents(doc);
    }

    private void ingestor(PolicyDocument doc) {
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, GET);
        if (lucene()) {
            // The ingestor catches up with, and publishes, the Lucene index snapshots the processor reads.
            prefix(doc, "IndexObjects", Definitions.INDEXES, GET_PUT);
            listing(doc, "ListIndexSnapshots", Definitions.INDEXES);
        }
        opensearch(doc, true);
        // The embedder's and the vector store's keys only: the ingestor builds no model client.
        secrets(doc, settings.retrievalSecretNames());
        bedrock(doc, false);
    }

    private boolean lucene() {
        return settings.vectorStore().kind().equals("lucene");
    }

    /**
     * PutEvents on the stack's bus with sluice's own source only: a function cannot put a {@code job.requested}
     * event from a source the dispatcher accepts, and so cannot submit jobs for a tenant.
     */
    private void publishOwnEvents(PolicyDocument doc) {
        doc.allowWhere(
                "PublishEvents",
                List.of("events:PutEvents"),
                List.of(data.bus().arn()),
                "StringEquals",
                "events:source",
                Output.of(Definitions.EVENT_SOURCE));
    }

    /** Listing is a bucket-level permission; the condition keeps it to one prefix. */
    private void listing(PolicyDocument doc, String sid, String prefix) {
        doc.allowWhere(
                sid,
                List.of("s3:ListBucket"),
                List.of(data.bucket().arn()),
                "StringLike",
                "s3:prefix",
                Output.of(prefix + "*"));
    }

    /**
     * OpenSearch with SigV4. Serverless authorizes data calls in IAM as {@code aoss:APIAccessAll} only; what a role
     * may do to the indexes is in the collection's data access policy ({@link OpenSearchAccess}). A managed domain
     * authorizes each HTTP method on each path, so each role gets the requests OpenSearchVectorStore makes on the
     * configured indexes: searching is {@code GET <index>/_mapping} and {@code POST <index>/_search}; writing adds
     * {@code HEAD} and {@code PUT <index>} (exists, create) and {@code POST <index>/_bulk} and
     * {@code /_delete_by_query}. No {@code DELETE} is ever sent.
     */
    private void opensearch(PolicyDocument doc, boolean writes) {
        StackSettings.VectorStore vs = settings.vectorStore();
        if (!vs.kind().equals("opensearch") || vs.sigv4().isEmpty()) {
            return;
        }
        String arn = vs.opensearchArn().orElseThrow();
        switch (vs.sigv4().get()) {
            case "aoss" -> doc.allow("OpenSearchCollection", List.of("aoss:APIAccessAll"), List.of(Output.of(arn)));
            case "es" -> {
                List<String> indexes = List.copyOf(settings.pipeline().indexes());
                if (indexes.isEmpty()) {
                    return;
                }
                doc.allow("OpenSearchReadMappings", List.of("es:ESHttpGet"), paths(arn, indexes, "/_mapping"));
                if (writes) {
                    doc.allow(
                            "OpenSearchCreateIndexes",
                            List.of("es:ESHttpHead", "es:ESHttpPut"),
                            paths(arn, indexes, ""));
                    List<Output<String>> writePaths = new ArrayList<>(paths(arn, indexes, "/_bulk"));
                    writePaths.addAll(paths(arn, indexes, "/_delete_by_query"));
                    doc.allow("OpenSearchWriteDocuments", List.of("es:ESHttpPost"), writePaths);
                } else {
                    doc.allow("OpenSearchSearch", List.of("es:ESHttpPost"), paths(arn, indexes, "/_search"));
                }
            }
            default -> throw new IllegalArgumentException("sluice:opensearch.sigv4: must be 'es', 'aoss' or empty");
        }
    }

    /**
     * A generate step's semantic cache ({@code cache: semantic}): the processor creates, searches and writes its index
     * ({@link SemanticAnswers#INDEX}) on a managed domain; Serverless grants it in the data access policy.
     */
    private void semanticCache(PolicyDocument doc) {
        StackSettings.VectorStore vs = settings.vectorStore();
        if (!settings.pipeline().semanticCache()
                || !vs.kind().equals("opensearch")
                || !vs.sigv4().filter("es"::equals).isPresent()) {
            return;
        }
        String arn = vs.opensearchArn().orElseThrow();
        List<String> index = List.of(SemanticAnswers.INDEX);
        doc.allow("SemanticCacheReadMapping", List.of("es:ESHttpGet"), paths(arn, index, "/_mapping"));
        doc.allow("SemanticCacheCreateIndex", List.of("es:ESHttpHead", "es:ESHttpPut"), paths(arn, index, ""));
        List<Output<String>> posts = new ArrayList<>(paths(arn, index, "/_search"));
        posts.addAll(paths(arn, index, "/_bulk"));
        doc.allow("SemanticCacheSearchAndWrite", List.of("es:ESHttpPost"), posts);
    }

    private static List<Output<String>> paths(String domainArn, List<String> indexes, String suffix) {
        return indexes.stream()
                .map(i -> Output.of(domainArn + "/" + i + suffix))
                .toList();
    }

    /**
     * GetSecretValue on exactly the named secrets, and with {@code sluice:secretsKmsKeyArn} Decrypt on that key, only
     * through Secrets Manager. Secrets under the AWS-managed key ({@code aws/secretsmanager}) need no KMS grant.
     */
    private void secrets(PolicyDocument doc, Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<Output<String>> arns = new ArrayList<>();
        for (String name : names) {
            arns.add(Output.format("arn:aws:secretsmanager:%s:%s:secret:%s-??????", region, account, name));
        }
        doc.allow("ProviderApiKeys", List.of("secretsmanager:GetSecretValue"), arns);
        settings.secretsKmsKey()
                .ifPresent(key -> doc.allowWhere(
                        "ProviderApiKeysKmsKey",
                        List.of("kms:Decrypt"),
                        List.of(Output.of(key)),
                        "StringEquals",
                        "kms:ViaService",
                        Output.format("secretsmanager.%s.amazonaws.com", region)));
    }

    /** Chat models for the processor; the Bedrock embedding model for both when it is the embedder. */
    private void bedrock(PolicyDocument doc, boolean chatModels) {
        List<String> ids = new ArrayList<>();
        List<Optional<String>> regions = new ArrayList<>();
        if (chatModels) {
            settings.pipeline().bedrockModels().forEach(m -> {
                ids.add(m.modelId());
                regions.add(m.option("region"));
            });
        }
        if (settings.embedder().equals("bedrock")) {
            ids.add(settings.bedrockEmbeddingModel());
            regions.add(Optional.empty());
        }
        List<Output<String>> direct = new ArrayList<>();
        List<Output<String>> crossRegion = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Output<String> r = regions.get(i).map(Output::of).orElse(region);
            var profile = INFERENCE_PROFILE.matcher(id);
            if (profile.matches()) {
                direct.add(Output.format("arn:aws:bedrock:%s:%s:inference-profile/%s", r, account, id));
                crossRegion.add(Output.of("arn:aws:bedrock:*::foundation-model/" + profile.group(2)));
            } else {
                direct.add(Output.format("arn:aws:bedrock:%s::foundation-model/%s", r, id));
            }
        }
        if (!direct.isEmpty()) {
            doc.allow("BedrockModels", INVOKE, direct);
        }
        if (!crossRegion.isEmpty()) {
            doc.allow("BedrockCrossRegionInference", INVOKE, crossRegion);
        }
    }

    private void table(PolicyDocument doc, String name, List<String> actions) {
        String sid = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Table";
        doc.allow(sid, actions, List.of(data.tables().get(name).arn()));
    }

    private void prefix(PolicyDocument doc, String sid, String prefix, List<String> actions) {
        doc.allow(sid, actions, List.of(data.bucket().arn().applyValue(arn -> arn + "/" + prefix + "*")));
    }

    static void logs(PolicyDocument doc, Output<String> logGroupArn) {
        doc.allow(
                "OwnLogStreams",
                List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                List.of(logGroupArn.applyValue(arn -> (arn.endsWith(":*") ? arn : arn + ":*"))));
    }
}

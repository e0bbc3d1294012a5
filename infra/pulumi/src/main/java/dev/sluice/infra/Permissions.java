package dev.sluice.infra;

import com.pulumi.core.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What each function may do, and nothing more: its own queues, tables, bucket prefixes, secrets and bus. The
 * container worker gets the union of the three consumers.
 *
 * @param account the deploying account id
 * @param region the stack's region
 */
record Permissions(
        StackSettings settings,
        DataPlane data,
        Output<String> account,
        Output<String> region,
        Output<String> eventsDlqArn) {
    private static final List<String> CONSUME =
            List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes");
    /** Item-level access only: no Scan, no table administration. */
    private static final List<String> ITEMS = List.of(
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem");

    private static final List<String> READ = List.of("s3:GetObject");
    private static final List<String> READ_WRITE = List.of("s3:GetObject", "s3:PutObject");
    /** Geography prefixes of Bedrock cross-region inference profile ids, e.g. {@code eu.anthropic.claude-...}. */
    private static final Pattern INFERENCE_PROFILE = Pattern.compile("^(us|eu|apac|us-gov|ca|jp|au|global)\\.(.+)$");

    /** The inline policy of one function's role. */
    PolicyDocument function(FunctionRole role, Output<String> logGroupArn) {
        PolicyDocument doc = new PolicyDocument();
        logs(doc, logGroupArn);
        doc.allow(
                "ReadConfig",
                List.of("ssm:GetParameter"),
                List.of(data.configParameter().arn()));
        switch (role) {
            case DISPATCHER -> {
                doc.allow(
                        "SendMessages",
                        List.of("sqs:SendMessage"),
                        List.of(data.queueArn("work"), data.queueArn("ingest")));
                // Lambda's on-failure destination for events it could not handle.
                doc.allow("EventsDeadLetters", List.of("sqs:SendMessage"), List.of(eventsDlqArn));
                table(doc, "jobs");
                prefix(doc, "PayloadObjects", Definitions.PAYLOADS, READ_WRITE);
                prefix(doc, "ResultObjects", Definitions.RESULTS, READ);
                prefix(doc, "TraceObjects", Definitions.TRACES, READ);
                // GET /v1/jobs/{id}/trace lists the job's hop records under traces/{jobId}/.
                listing(doc, "ListTraces", Definitions.TRACES);
            }
            case PROCESSOR -> processor(doc);
            case FINALIZER -> finalizer(doc);
            case INGESTOR -> ingestor(doc);
        }
        return doc;
    }

    /** The ECS task role of the container worker: it polls all three queues, so it may do what their consumers do. */
    PolicyDocument worker() {
        PolicyDocument doc = new PolicyDocument();
        doc.allow(
                "ReadConfig",
                List.of("ssm:GetParameter"),
                List.of(data.configParameter().arn()));
        processor(doc);
        finalizer(doc);
        ingestor(doc);
        return doc;
    }

    private void processor(PolicyDocument doc) {
        doc.allow("ConsumeQueues", CONSUME, List.of(data.queueArn("work")));
        // Next hop and deferrals go back to the work queue; the last hop hands over to the finalizer.
        doc.allow(
                "SendMessages", List.of("sqs:SendMessage"), List.of(data.queueArn("work"), data.queueArn("finalize")));
        table(doc, "jobs");
        table(doc, "cache");
        table(doc, "limits");
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, READ_WRITE);
        prefix(doc, "ResultObjects", Definitions.RESULTS, READ_WRITE);
        prefix(doc, "TraceObjects", Definitions.TRACES, READ_WRITE);
        vectorStoreRead(doc);
        secrets(doc);
        bedrock(doc, true);
        // A job that fails on its last delivery is announced by the processor itself.
        publishOwnEvents(doc);
    }

    private void finalizer(PolicyDocument doc) {
        doc.allow("ConsumeQueues", CONSUME, List.of(data.queueArn("finalize")));
        table(doc, "jobs");
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, READ);
        prefix(doc, "ResultObjects", Definitions.RESULTS, READ_WRITE);
        prefix(doc, "TraceObjects", Definitions.TRACES, READ_WRITE);
        publishOwnEvents(doc);
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

    private void ingestor(PolicyDocument doc) {
        doc.allow("ConsumeQueues", CONSUME, List.of(data.queueArn("ingest")));
        table(doc, "jobs");
        prefix(doc, "PayloadObjects", Definitions.PAYLOADS, READ);
        if (settings.vectorStore().kind().equals("lucene")) {
            // The ingestor writes the Lucene index snapshots the processor reads.
            prefix(doc, "IndexObjects", Definitions.INDEXES, READ_WRITE);
            indexListing(doc);
        }
        opensearch(doc);
        secrets(doc);
        bedrock(doc, false);
    }

    private void vectorStoreRead(PolicyDocument doc) {
        if (settings.vectorStore().kind().equals("lucene")) {
            prefix(doc, "IndexObjects", Definitions.INDEXES, READ);
            indexListing(doc);
        }
        opensearch(doc);
    }

    private void indexListing(PolicyDocument doc) {
        listing(doc, "ListIndexSnapshots", Definitions.INDEXES);
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

    private void opensearch(PolicyDocument doc) {
        StackSettings.VectorStore vs = settings.vectorStore();
        if (!vs.kind().equals("opensearch") || vs.sigv4().isEmpty()) {
            return;
        }
        String arn = vs.opensearchArn().orElseThrow();
        switch (vs.sigv4().get()) {
            case "aoss" -> doc.allow("OpenSearchCollection", List.of("aoss:APIAccessAll"), List.of(Output.of(arn)));
            case "es" ->
                doc.allow(
                        "OpenSearchDomainPaths",
                        List.of("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"),
                        List.of(Output.of(arn + "/*")));
            default -> throw new IllegalArgumentException("sluice:opensearch.sigv4: must be 'es', 'aoss' or empty");
        }
    }

    private void secrets(PolicyDocument doc) {
        List<String> names = settings.secretNames();
        if (names.isEmpty()) {
            return;
        }
        List<Output<String>> arns = new ArrayList<>();
        for (String name : names) {
            arns.add(Output.format("arn:aws:secretsmanager:%s:%s:secret:%s-??????", region, account, name));
        }
        doc.allow("ProviderApiKeys", List.of("secretsmanager:GetSecretValue"), arns);
    }

    /** Chat models for the processor; the Bedrock embedding model for both when it is the embedder. */
    private void bedrock(PolicyDocument doc, boolean chatModels) {
        List<String> ids = new ArrayList<>();
        List<java.util.Optional<String>> regions = new ArrayList<>();
        if (chatModels) {
            settings.pipeline().bedrockModels().forEach(m -> {
                ids.add(m.modelId());
                regions.add(m.region());
            });
        }
        if (settings.embedder().equals("bedrock")) {
            ids.add(settings.bedrockEmbeddingModel());
            regions.add(java.util.Optional.empty());
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
        List<String> invoke = List.of("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
        if (!direct.isEmpty()) {
            doc.allow("BedrockModels", invoke, direct);
        }
        if (!crossRegion.isEmpty()) {
            doc.allow("BedrockCrossRegionInference", invoke, crossRegion);
        }
    }

    private void table(PolicyDocument doc, String name) {
        String sid = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Table";
        doc.allow(sid, ITEMS, List.of(data.tables().get(name).arn()));
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

package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Least privilege: every IAM document the program writes (trust policies, role policies, bucket and queue
 * policies), in every stack example and in Fargate mode, is walked; a wildcard is accepted only in a statement
 * whose Sid is in {@link PolicyDocument#EXPLAINED_WILDCARDS}. Each role's grants are asserted as an exact set of
 * (action, resource, condition): what the function's code calls (see {@link Permissions}), so a grant added
 * anywhere fails here until it is justified by a call.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IamPolicyTest {
    /** A policy document found in a stack: where it came from, and its JSON. */
    record Document(String where, String json) {}

    static final String KMS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/0d2f5a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6";

    static final Map<String, String> MANAGED_DOMAIN = Map.of(
            "sluice:vectorStore", "opensearch",
            "sluice:opensearch",
                    "{\"endpoint\":\"https://search-x.eu-west-1.es.amazonaws.com\",\"sigv4\":\"es\","
                            + "\"arn\":\"arn:aws:es:eu-west-1:111122223333:domain/x\"}",
            "sluice:embedder", "bedrock");

    static List<StackRun> runs() {
        return List.of(
                StackRun.of("dev"),
                StackRun.of("staging"),
                StackRun.of("prod"),
                StackRun.of("staging", Map.of("sluice:consumers", "fargate")),
                // OpenSearch managed domain (es) and a plain Bedrock model: the other branches of the grants.
                StackRun.of("dev", MANAGED_DOMAIN),
                // Secrets under a customer-managed key, read by the worker too.
                StackRun.of("staging", Map.of("sluice:consumers", "fargate", "sluice:secretsKmsKeyArn", KMS_KEY)));
    }

    static List<Document> documents(StackRun run) {
        List<Document> docs = new ArrayList<>();
        for (StackRun.Created c : run.created) {
            String where = run.stack + " " + c.name();
            switch (c.type()) {
                case Types.ROLE -> docs.add(new Document(where + " (trust)", c.string("assumeRolePolicy")));
                case Types.ROLE_POLICY, Types.BUCKET_POLICY, Types.QUEUE_POLICY ->
                    docs.add(new Document(where, c.string("policy")));
                default -> {}
            }
        }
        return docs;
    }

    /** Every wildcard in an action, resource or principal of the document, as "Sid: value". */
    static List<String> wildcards(String json) {
        Map<String, Object> doc = new Gson().fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        List<String> found = new ArrayList<>();
        for (Object s : asList(doc.get("Statement"))) {
            Map<?, ?> statement = (Map<?, ?>) s;
            String sid = String.valueOf(statement.get("Sid"));
            for (String field :
                    List.of("Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal")) {
                for (String value : strings(statement.get(field))) {
                    if (value.contains("*") || value.contains("?")) {
                        found.add(sid + ": " + value);
                    }
                }
            }
        }
        return found;
    }

    static List<String> unexplained(String json) {
        return wildcards(json).stream()
                .filter(w -> !PolicyDocument.EXPLAINED_WILDCARDS.containsKey(w.substring(0, w.indexOf(':'))))
                .toList();
    }

    /**
     * A role policy flattened into one line per allowed (action, resource) pair, {@code "<action> <resource>"},
     * followed by {@code " if <operator> <key>=<value>"} for each condition of its statement.
     */
    static Set<String> grants(String json) {
        Map<String, Object> doc = new Gson().fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        Set<String> out = new TreeSet<>();
        for (Object s : asList(doc.get("Statement"))) {
            Map<?, ?> statement = (Map<?, ?>) s;
            assertThat(statement.get("Effect")).isEqualTo("Allow");
            StringBuilder condition = new StringBuilder();
            if (statement.get("Condition") instanceof Map<?, ?> conditions) {
                conditions.forEach((operator, pairs) -> ((Map<?, ?>) pairs)
                        .forEach((key, value) -> condition
                                .append(" if ")
                                .append(operator)
                                .append(' ')
                                .append(key)
                                .append('=')
                                .append(value)));
            }
            for (String action : strings(statement.get("Action"))) {
                for (String resource : strings(statement.get("Resource"))) {
                    out.add(action + " " + resource + condition);
                }
            }
        }
        return out;
    }

    /** The ARNs of one stack as the mocked provider names them. */
    record Arns(String stack) {
        private static final String AT = ":eu-west-1:111122223333:";

        String prefix() {
            return "sluice-" + stack;
        }

        String queue(String name) {
            return "arn:aws:sqs" + AT + prefix() + "-" + name;
        }

        String table(String name) {
            return "arn:aws:dynamodb" + AT + "table/" + prefix() + "-" + name;
        }

        String bucket() {
            return "arn:aws:s3:::" + prefix() + "-bucket-a1b2c3d";
        }

        String objects(String prefix) {
            return bucket() + "/" + prefix + "*";
        }

        String config() {
            return bucket() + "/config/sluice.yaml";
        }

        String logs(String function) {
            return "arn:aws:logs" + AT + "log-group:/aws/lambda/" + prefix() + "-" + function + ":*";
        }

        String bus() {
            return "arn:aws:events" + AT + "event-bus/" + prefix();
        }

        String secret(String name) {
            return "arn:aws:secretsmanager" + AT + "secret:" + name + "-??????";
        }

        String model(String id) {
            return "arn:aws:bedrock:eu-west-1::foundation-model/" + id;
        }
    }

    /** An expected grant set, written out action by action. */
    static final class Grants {
        private final Set<String> lines = new TreeSet<>();

        Grants allow(List<String> actions, String... resources) {
            for (String a : actions) {
                for (String r : resources) {
                    lines.add(a + " " + r);
                }
            }
            return this;
        }

        Grants allowIf(String condition, List<String> actions, String... resources) {
            for (String a : actions) {
                for (String r : resources) {
                    lines.add(a + " " + r + " if " + condition);
                }
            }
            return this;
        }

        Grants and(Grants other) {
            lines.addAll(other.lines);
            return this;
        }

        Set<String> lines() {
            return lines;
        }
    }

    static final List<String> LOGS = List.of("logs:CreateLogStream", "logs:PutLogEvents");
    static final List<String> READ_CONFIG = List.of("s3:GetObject");
    static final List<String> LAMBDA_POLLS =
            List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
    static final List<String> SEND = List.of("sqs:SendMessage");
    static final List<String> GET = List.of("s3:GetObject");
    static final List<String> PUT = List.of("s3:PutObject");
    static final List<String> GET_PUT = List.of("s3:GetObject", "s3:PutObject");
    static final List<String> SECRET = List.of("secretsmanager:GetSecretValue");
    static final List<String> INVOKE = List.of("bedrock:InvokeModel");
    static final List<String> PUT_EVENTS = List.of("events:PutEvents");
    static final String OWN_SOURCE = "StringEquals events:source=sluice";

    static Grants function(Arns a, String function) {
        return new Grants().allow(LOGS, a.logs(function)).allow(READ_CONFIG, a.config());
    }

    static Grants dispatcher(Arns a) {
        return function(a, "dispatcher")
                .allow(SEND, a.queue("work"), a.queue("finalize"), a.queue("ingest"), a.queue("events-dlq"))
                .allow(
                        List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
                        a.table("jobs"))
                .allow(List.of("dynamodb:GetItem", "dynamodb:BatchGetItem"), a.table("limits"))
                .allow(PUT, a.objects("payloads/"))
                .allow(GET_PUT, a.objects("jobs/"))
                .allow(GET, a.objects("traces/"))
                .allowIf("StringLike s3:prefix=traces/*", List.of("s3:ListBucket"), a.bucket())
                // The operator's console (sluice:api.console, on by default): the newest jobs, queue depths, the
                // dead letters and their redrive.
                .allow(List.of("dynamodb:Query"), a.table("jobs") + "/index/recent")
                .allow(List.of("dynamodb:BatchGetItem"), a.table("jobs"))
                .allow(List.of("sqs:GetQueueAttributes"), a.queue("work"), a.queue("finalize"), a.queue("ingest"))
                .allow(LAMBDA_POLLS, a.queue("work-dlq"), a.queue("finalize-dlq"), a.queue("ingest-dlq"));
    }

    /** The processor's grants whatever the vector store, embedder and models. */
    static Grants processorCore(Arns a) {
        return new Grants()
                .allow(SEND, a.queue("work"), a.queue("finalize"))
                .allow(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), a.table("jobs"))
                .allow(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"), a.table("cache"))
                .allow(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), a.table("limits"))
                .allow(GET_PUT, a.objects("payloads/"), a.objects("jobs/"))
                .allow(PUT, a.objects("traces/"))
                .allowIf(OWN_SOURCE, PUT_EVENTS, a.bus());
    }

    static Grants finalizerCore(Arns a) {
        return new Grants()
                .allow(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), a.table("jobs"))
                .allow(GET, a.objects("payloads/"))
                .allow(GET_PUT, a.objects("jobs/"))
                .allowIf(OWN_SOURCE, PUT_EVENTS, a.bus());
    }

    static Grants ingestorCore(Arns a) {
        return new Grants().allow(GET, a.objects("payloads/"));
    }

    static Grants lambdaPolls(Arns a, String queue) {
        return new Grants().allow(LAMBDA_POLLS, a.queue(queue));
    }

    static Grants luceneSnapshots(Arns a, List<String> actions) {
        return new Grants()
                .allow(actions, a.objects("indexes/"))
                .allowIf("StringLike s3:prefix=indexes/*", List.of("s3:ListBucket"), a.bucket());
    }

    static Set<String> policyGrants(StackRun run, String role) {
        return grants(run.one(Types.ROLE_POLICY, run.prefix() + "-" + role + "-policy")
                .string("policy"));
    }

    @Test
    void noDocumentHasAnUnexplainedWildcard() {
        List<Document> docs =
                runs().stream().flatMap(r -> documents(r).stream()).toList();
        assertThat(docs).hasSizeGreaterThan(40);
        for (Document d : docs) {
            assertThat(unexplained(d.json())).as(d.where()).isEmpty();
        }
        assertThat(PolicyDocument.EXPLAINED_WILDCARDS.values())
                .allSatisfy(reason -> assertThat(reason).hasSizeGreaterThan(40));
    }

    @Test
    void theWalkerCatchesWildcardsInActionsResourcesAndPrincipals() {
        assertThat(
                        unexplained(
                                "{\"Statement\":[{\"Sid\":\"Lazy\",\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"arn:aws:sqs:eu-west-1:1:q\"}]}"))
                .containsExactly("Lazy: sqs:*");
        assertThat(
                        unexplained(
                                "{\"Statement\":[{\"Sid\":\"Lazy\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\"],\"Resource\":[\"*\"]}]}"))
                .containsExactly("Lazy: *");
        assertThat(
                        unexplained(
                                "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/k\"}}"))
                .containsExactly("null: *");
        // An explained Sid is accepted, the same wildcard under another Sid is not.
        assertThat(
                        unexplained(
                                "{\"Statement\":[{\"Sid\":\"EcrAuthToken\",\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"}]}"))
                .isEmpty();
    }

    @Test
    void theGrantWalkerFlattensActionsResourcesAndConditions() {
        assertThat(grants("{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\","
                        + "\"s3:PutObject\"],\"Resource\":[\"arn:aws:s3:::b/x/*\",\"arn:aws:s3:::b/y/*\"]},"
                        + "{\"Sid\":\"B\",\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\","
                        + "\"Condition\":{\"StringLike\":{\"s3:prefix\":\"x/*\"}}}]}"))
                .containsExactlyInAnyOrder(
                        "s3:GetObject arn:aws:s3:::b/x/*",
                        "s3:GetObject arn:aws:s3:::b/y/*",
                        "s3:PutObject arn:aws:s3:::b/x/*",
                        "s3:PutObject arn:aws:s3:::b/y/*",
                        "s3:ListBucket arn:aws:s3:::b if StringLike s3:prefix=x/*");
    }

    @Test
    void eachFunctionHasItsOwnRoleAssumableOnlyByLambda() {
        StackRun run = StackRun.of("dev");
        for (String f : List.of("dispatcher", "processor", "finalizer", "ingestor")) {
            StackRun.Created role = run.one(Types.ROLE, "sluice-dev-" + f + "-role");
            assertThat(role.string("assumeRolePolicy")).contains("\"Service\":\"lambda.amazonaws.com\"");
            assertThat(run.one(Types.ROLE_POLICY, "sluice-dev-" + f + "-policy").string("role"))
                    .isEqualTo(role.name() + "-id");
        }
        assertThat(run.all(Types.ROLE)).hasSize(4);
    }

    /** dev: embedded Lucene store, MiniLM in the function, one OpenAI model. */
    @Test
    void devRolesHaveExactlyWhatTheirCodeCalls() {
        StackRun run = StackRun.of("dev");
        Arns a = new Arns("dev");
        assertThat(policyGrants(run, "dispatcher")).isEqualTo(dispatcher(a).lines());
        assertThat(policyGrants(run, "processor"))
                .isEqualTo(function(a, "processor")
                        .and(lambdaPolls(a, "work"))
                        .and(processorCore(a))
                        .and(luceneSnapshots(a, GET))
                        .allow(SECRET, a.secret("sluice/openai"))
                        .lines());
        assertThat(policyGrants(run, "finalizer"))
                .isEqualTo(function(a, "finalizer")
                        .and(lambdaPolls(a, "finalize"))
                        .and(finalizerCore(a))
                        .lines());
        // MiniLM needs no key and the ingestor builds no model client: no secret at all, no job table.
        assertThat(policyGrants(run, "ingestor"))
                .isEqualTo(function(a, "ingestor")
                        .and(lambdaPolls(a, "ingest"))
                        .and(ingestorCore(a))
                        .and(luceneSnapshots(a, GET_PUT))
                        .lines());
    }

    /** staging: OpenSearch Serverless, the Bedrock embedder, an OpenAI model falling back to Anthropic. */
    @Test
    void stagingRolesHaveExactlyWhatTheirCodeCalls() {
        StackRun run = StackRun.of("staging");
        Arns a = new Arns("staging");
        String collection = "arn:aws:aoss:eu-west-1:111122223333:collection/EXAMPLE";
        String titan = a.model("amazon.titan-embed-text-v2:0");
        assertThat(policyGrants(run, "dispatcher")).isEqualTo(dispatcher(a).lines());
        assertThat(policyGrants(run, "processor"))
                .isEqualTo(function(a, "processor")
                        .and(lambdaPolls(a, "work"))
                        .and(processorCore(a))
                        .allow(List.of("aoss:APIAccessAll"), collection)
                        .allow(SECRET, a.secret("sluice/anthropic"), a.secret("sluice/openai"))
                        .allow(INVOKE, titan)
                        .lines());
        assertThat(policyGrants(run, "finalizer"))
                .isEqualTo(function(a, "finalizer")
                        .and(lambdaPolls(a, "finalize"))
                        .and(finalizerCore(a))
                        .lines());
        // The chat models' keys are the processor's alone; Bedrock embeddings need none.
        assertThat(policyGrants(run, "ingestor"))
                .isEqualTo(function(a, "ingestor")
                        .and(lambdaPolls(a, "ingest"))
                        .and(ingestorCore(a))
                        .allow(List.of("aoss:APIAccessAll"), collection)
                        .allow(INVOKE, titan)
                        .lines());
    }

    /** prod: Pinecone, the Bedrock embedder, OpenAI falling back to Bedrock through a cross-region profile. */
    @Test
    void prodRolesHaveExactlyWhatTheirCodeCalls() {
        StackRun run = StackRun.of("prod");
        Arns a = new Arns("prod");
        String titan = a.model("amazon.titan-embed-text-v2:0");
        assertThat(policyGrants(run, "dispatcher")).isEqualTo(dispatcher(a).lines());
        assertThat(policyGrants(run, "processor"))
                .isEqualTo(function(a, "processor")
                        .and(lambdaPolls(a, "work"))
                        .and(processorCore(a))
                        .allow(SECRET, a.secret("sluice/openai"), a.secret("sluice/pinecone"))
                        .allow(
                                INVOKE,
                                "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/"
                                        + "eu.anthropic.claude-3-haiku-20240307-v1:0",
                                "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
                                titan)
                        .lines());
        assertThat(policyGrants(run, "finalizer"))
                .isEqualTo(function(a, "finalizer")
                        .and(lambdaPolls(a, "finalize"))
                        .and(finalizerCore(a))
                        .lines());
        // Pinecone's key, not OpenAI's; the embedding model, not the chat model.
        assertThat(policyGrants(run, "ingestor"))
                .isEqualTo(function(a, "ingestor")
                        .and(lambdaPolls(a, "ingest"))
                        .and(ingestorCore(a))
                        .allow(SECRET, a.secret("sluice/pinecone"))
                        .allow(INVOKE, titan)
                        .lines());
    }

    /**
     * A managed OpenSearch domain authorizes HTTP method and path: the processor reads the mapping and searches
     * ({@code POST _search} is a search, not a write), only the ingestor creates the index and writes chunks.
     */
    @Test
    void onAManagedDomainOnlyTheIngestorMayWrite() {
        StackRun run = StackRun.of("dev", MANAGED_DOMAIN);
        Arns a = new Arns("dev");
        String docs = "arn:aws:es:eu-west-1:111122223333:domain/x/docs";
        String titan = a.model("amazon.titan-embed-text-v2:0");
        assertThat(policyGrants(run, "processor"))
                .isEqualTo(function(a, "processor")
                        .and(lambdaPolls(a, "work"))
                        .and(processorCore(a))
                        .allow(List.of("es:ESHttpGet"), docs + "/_mapping")
                        .allow(List.of("es:ESHttpPost"), docs + "/_search")
                        .allow(SECRET, a.secret("sluice/openai"))
                        .allow(INVOKE, titan)
                        .lines());
        assertThat(policyGrants(run, "ingestor"))
                .isEqualTo(function(a, "ingestor")
                        .and(lambdaPolls(a, "ingest"))
                        .and(ingestorCore(a))
                        .allow(List.of("es:ESHttpGet"), docs + "/_mapping")
                        .allow(List.of("es:ESHttpHead", "es:ESHttpPut"), docs)
                        .allow(List.of("es:ESHttpPost"), docs + "/_bulk", docs + "/_delete_by_query")
                        .allow(INVOKE, titan)
                        .lines());
        assertThat(policyGrants(run, "processor").toString()).doesNotContain("_bulk", "ESHttpPut", "ESHttpDelete");
    }

    /**
     * The container worker polls the three queues itself (ReceiveMessage, DeleteMessageBatch) and runs the three
     * consumers, so its task role is their union and nothing else; the idle consumer functions are not polled.
     */
    @Test
    void theWorkerTaskRoleIsTheUnionOfTheConsumersAndTheFunctionsAreNotPolled() {
        StackRun run = StackRun.of("staging", Map.of("sluice:consumers", "fargate"));
        Arns a = new Arns("staging");
        String collection = "arn:aws:aoss:eu-west-1:111122223333:collection/EXAMPLE";
        String titan = a.model("amazon.titan-embed-text-v2:0");
        Set<String> expected = new Grants()
                .allow(READ_CONFIG, a.config())
                .allow(
                        List.of("sqs:ReceiveMessage", "sqs:DeleteMessage"),
                        a.queue("work"),
                        a.queue("finalize"),
                        a.queue("ingest"))
                .and(processorCore(a))
                .and(finalizerCore(a))
                .and(ingestorCore(a))
                .allow(List.of("aoss:APIAccessAll"), collection)
                .allow(SECRET, a.secret("sluice/anthropic"), a.secret("sluice/openai"))
                .allow(INVOKE, titan)
                .lines();
        assertThat(grants(run.one(Types.ROLE_POLICY, "sluice-staging-worker-task-policy")
                        .string("policy")))
                .isEqualTo(expected);
        assertThat(policyGrants(run, "processor"))
                .isEqualTo(function(a, "processor")
                        .and(processorCore(a))
                        .allow(List.of("aoss:APIAccessAll"), collection)
                        .allow(SECRET, a.secret("sluice/anthropic"), a.secret("sluice/openai"))
                        .allow(INVOKE, titan)
                        .lines());
        assertThat(policyGrants(run, "finalizer"))
                .isEqualTo(function(a, "finalizer").and(finalizerCore(a)).lines());
        assertThat(policyGrants(run, "ingestor"))
                .isEqualTo(function(a, "ingestor")
                        .and(ingestorCore(a))
                        .allow(List.of("aoss:APIAccessAll"), collection)
                        .allow(INVOKE, titan)
                        .lines());
        assertThat(policyGrants(run, "dispatcher")).isEqualTo(dispatcher(a).lines());
    }

    @Test
    void theOpenAiEmbeddersKeyIsReadWhereverTheEmbedderIsBuilt() {
        StackRun run = StackRun.of("dev", Map.of("sluice:embedder", "openai"));
        Arns a = new Arns("dev");
        assertThat(policyGrants(run, "ingestor"))
                .isEqualTo(function(a, "ingestor")
                        .and(lambdaPolls(a, "ingest"))
                        .and(ingestorCore(a))
                        .and(luceneSnapshots(a, GET_PUT))
                        .allow(SECRET, a.secret("sluice/openai"))
                        .lines());
        assertThat(policyGrants(run, "dispatcher")).isEqualTo(dispatcher(a).lines());
    }

    @Test
    void aStatementIdIsRequiredToBeUniqueAndAlphanumeric() {
        assertThatThrownBy(() -> new PolicyDocument().allow("has space", List.of("s3:GetObject"), List.of()))
                .hasMessageContaining("alphanumeric");
    }

    private static List<?> asList(Object o) {
        return o instanceof List<?> l ? l : List.of(o);
    }

    private static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof Map<?, ?> m) {
            return m.values().stream().flatMap(v -> strings(v).stream()).toList();
        }
        if (o instanceof List<?> l) {
            return l.stream().flatMap(v -> strings(v).stream()).toList();
        }
        return Stream.of(String.valueOf(o)).toList();
    }
}

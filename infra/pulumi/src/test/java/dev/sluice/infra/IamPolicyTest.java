package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Least privilege: every IAM document the program writes (trust policies, role policies, bucket and queue
 * policies), in every stack example and in Fargate mode, is walked; a wildcard is accepted only in a statement
 * whose Sid is in {@link PolicyDocument#EXPLAINED_WILDCARDS}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IamPolicyTest {
    /** A policy document found in a stack: where it came from, and its JSON. */
    record Document(String where, String json) {}

    static List<StackRun> runs() {
        return List.of(
                StackRun.of("dev"),
                StackRun.of("staging"),
                StackRun.of("prod"),
                StackRun.of("staging", Map.of("sluice:consumers", "fargate")),
                // OpenSearch managed domain (es) and a plain Bedrock model: the other branches of the grants.
                StackRun.of(
                        "dev",
                        Map.of(
                                "sluice:vectorStore", "opensearch",
                                "sluice:opensearch",
                                        "{\"endpoint\":\"https://search-x.eu-west-1.es.amazonaws.com\",\"sigv4\":\"es\","
                                                + "\"arn\":\"arn:aws:es:eu-west-1:111122223333:domain/x\"}",
                                "sluice:embedder", "bedrock")));
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

    @Test
    void functionsReachOnlyTheirOwnQueuesTablesPrefixesAndSecrets() {
        StackRun run = StackRun.of("dev");
        String dispatcher = policy(run, "dispatcher");
        String processor = policy(run, "processor");
        String finalizer = policy(run, "finalizer");
        String ingestor = policy(run, "ingestor");

        assertThat(dispatcher)
                .doesNotContain(
                        "sqs:ReceiveMessage",
                        "secretsmanager",
                        "sluice-dev-cache",
                        "sluice-dev-limits",
                        "events:PutEvents");
        assertThat(statement(processor, "ConsumeQueues"))
                .contains(":sluice-dev-work\"")
                .doesNotContain("finalize", "ingest");
        assertThat(statement(finalizer, "ConsumeQueues"))
                .contains(":sluice-dev-finalize\"")
                .doesNotContain("-work", "ingest");
        assertThat(statement(ingestor, "ConsumeQueues"))
                .contains(":sluice-dev-ingest\"")
                .doesNotContain("-work", "finalize");
        assertThat(finalizer).doesNotContain("secretsmanager", "sqs:SendMessage", "sluice-dev-cache");
        assertThat(statement(dispatcher, "ListTraces")).contains("\"s3:prefix\":\"traces/*\"");
        assertThat(statement(processor, "ProviderApiKeys")).contains(":secret:sluice/openai-??????");
        assertThat(statement(processor, "PublishEvents")).contains("event-bus/sluice-dev");
        assertThat(ingestor).doesNotContain("sluice-dev-cache", "sluice-dev-limits", "events:PutEvents");
        for (String p : List.of(dispatcher, processor, finalizer, ingestor)) {
            assertThat(p).doesNotContain("\"*\"", "dynamodb:Scan", "dynamodb:*", "s3:*", "sqs:*");
        }
    }

    @Test
    void crossRegionBedrockAndManagedOpenSearchUseOnlyTheExplainedWildcards() {
        String prod = policy(StackRun.of("prod"), "processor");
        assertThat(statement(prod, "BedrockModels"))
                .contains(
                        "arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0")
                .contains("foundation-model/amazon.titan-embed-text-v2:0");
        assertThat(statement(prod, "BedrockCrossRegionInference"))
                .contains("arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(statement(prod, "ProviderApiKeys")).contains("sluice/openai-??????", "sluice/pinecone-??????");
        String es = runs().get(4)
                .one(Types.ROLE_POLICY, "sluice-dev-ingestor-policy")
                .string("policy");
        assertThat(statement(es, "OpenSearchDomainPaths")).contains("arn:aws:es:eu-west-1:111122223333:domain/x/*");
    }

    @Test
    void aStatementIdIsRequiredToBeUniqueAndAlphanumeric() {
        assertThatThrownBy(() -> new PolicyDocument().allow("has space", List.of("s3:GetObject"), List.of()))
                .hasMessageContaining("alphanumeric");
    }

    private static String policy(StackRun run, String function) {
        return run.one(Types.ROLE_POLICY, run.prefix() + "-" + function + "-policy")
                .string("policy");
    }

    private static String statement(String policy, String sid) {
        Map<String, Object> doc = new Gson().fromJson(policy, new TypeToken<Map<String, Object>>() {}.getType());
        return asList(doc.get("Statement")).stream()
                .map(s -> (Map<?, ?>) s)
                .filter(s -> sid.equals(s.get("Sid")))
                .map(s -> new Gson().toJson(s))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + sid + " in " + policy));
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

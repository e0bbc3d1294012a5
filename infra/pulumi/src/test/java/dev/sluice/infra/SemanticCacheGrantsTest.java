package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A generate step with {@code cache: semantic} makes the processor a writer of one index, the semantic cache's, and of
 * no other: on a managed OpenSearch domain in its IAM policy, on Serverless in the collection's data access policy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SemanticCacheGrantsTest {
    private static String semantic(String stack) {
        String pipeline = StackRun.stackConfig(stack).get("sluice:pipeline");
        String changed = pipeline.replace("\"generate\":\"answer\"", "\"generate\":\"answer\",\"cache\":\"semantic\"");
        assertThat(changed).isNotEqualTo(pipeline);
        return changed;
    }

    @Test
    void onAManagedDomainTheProcessorMayCreateSearchAndWriteTheSemanticIndexOnly() {
        Map<String, String> es = Map.of(
                "sluice:opensearch",
                "{\"endpoint\":\"https://search-x.eu-west-1.es.amazonaws.com\",\"sigv4\":\"es\","
                        + "\"arn\":\"arn:aws:es:eu-west-1:111122223333:domain/sluice\"}");
        StackRun without = StackRun.of("staging", es);
        StackRun with = StackRun.of(
                "staging",
                Map.of("sluice:opensearch", es.get("sluice:opensearch"), "sluice:pipeline", semantic("staging")));

        String before = without.one(Types.ROLE_POLICY, "sluice-staging-processor-policy")
                .string("policy");
        String after =
                with.one(Types.ROLE_POLICY, "sluice-staging-processor-policy").string("policy");
        assertThat(before).doesNotContain("sluice-semantic-cache");
        assertThat(after)
                .contains("domain/sluice/sluice-semantic-cache/_bulk")
                .contains("domain/sluice/sluice-semantic-cache/_search")
                .contains("\"es:ESHttpPut\"")
                // The configured indexes stay read-only for the processor.
                .doesNotContain("domain/sluice/docs/_bulk");
    }

    @Test
    void onServerlessTheDataAccessPolicyAdmitsTheProcessorToTheSemanticIndex() {
        StackRun with = StackRun.of("staging", Map.of("sluice:pipeline", semantic("staging")));
        StackRun without = StackRun.of("staging");

        String before = without.one(
                        "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy", "sluice-staging-vectors")
                .string("policy");
        String after = with.one(
                        "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy", "sluice-staging-vectors")
                .string("policy");
        assertThat(before).doesNotContain("sluice-semantic-cache");
        assertThat(after)
                .contains("processor keeps the semantic cache")
                .contains("index/sluice-staging/sluice-semantic-cache")
                .contains("aoss:WriteDocument");
    }
}

package dev.sluice.infra;

import com.google.gson.GsonBuilder;
import com.pulumi.aws.opensearch.ServerlessAccessPolicy;
import com.pulumi.aws.opensearch.ServerlessAccessPolicyArgs;
import com.pulumi.core.Output;
import dev.sluice.domain.engine.SemanticAnswers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenSearch Serverless checks a collection's data access policy besides IAM (where the only data-plane action is
 * {@code aoss:APIAccessAll}). This one admits, on the configured indexes only, the roles that search (the processor:
 * it reads mappings and searches) and the roles that index (the ingestor and the container worker: they also create
 * indexes and write and delete chunks, finding a document's chunks by search first). Nothing else: no index updates,
 * deletions or collection items.
 */
final class OpenSearchAccess {
    static final List<String> SEARCH = List.of("aoss:DescribeIndex", "aoss:ReadDocument");
    static final List<String> INDEX =
            List.of("aoss:CreateIndex", "aoss:DescribeIndex", "aoss:ReadDocument", "aoss:WriteDocument");

    private OpenSearchAccess() {}

    /**
     * @param searchers roles that only search
     * @param indexers roles that create indexes and write chunks (and search)
     */
    static void create(StackSettings s, List<Output<String>> searchers, List<Output<String>> indexers) {
        StackSettings.VectorStore vs = s.vectorStore();
        if (!vs.kind().equals("opensearch")
                || !vs.sigv4().filter("aoss"::equals).isPresent()) {
            return;
        }
        String collection = vs.opensearchCollection().orElseThrow();
        List<String> indexes = new ArrayList<>();
        s.pipeline().indexes().forEach(i -> indexes.add("index/" + collection + "/" + i));
        // A semantic cache's index is the processor's to create, search and write.
        List<String> semantic =
                s.pipeline().semanticCache() ? List.of("index/" + collection + "/" + SemanticAnswers.INDEX) : List.of();
        if (indexes.isEmpty() && semantic.isEmpty()) {
            return;
        }
        List<Output<String>> principals = new ArrayList<>(searchers);
        principals.addAll(indexers);
        Output<String> policy = Output.all(principals).applyValue(arns -> {
            List<String> searching = arns.subList(0, searchers.size());
            List<String> indexing = arns.subList(searchers.size(), arns.size());
            List<Map<String, Object>> rules = new ArrayList<>();
            if (!indexes.isEmpty()) {
                rules.add(rule(
                        "sluice " + s.stack() + " processor searches the vector indexes", indexes, SEARCH, searching));
                rules.add(rule(
                        "sluice " + s.stack() + " ingestor indexes into the vector indexes", indexes, INDEX, indexing));
            }
            if (!semantic.isEmpty()) {
                // Whatever runs the processor (the function, or the container worker) keeps the semantic cache.
                rules.add(rule("sluice " + s.stack() + " processor keeps the semantic cache", semantic, INDEX, arns));
            }
            return new GsonBuilder().disableHtmlEscaping().create().toJson(rules);
        });
        new ServerlessAccessPolicy(
                s.prefix() + "-vectors",
                ServerlessAccessPolicyArgs.builder()
                        // Names are at most 32 lowercase characters.
                        .name((s.prefix() + "-vectors").substring(0, Math.min(32, (s.prefix() + "-vectors").length())))
                        .type("data")
                        .description("sluice " + s.stack() + " vector store access")
                        .policy(policy)
                        .build());
    }

    private static Map<String, Object> rule(
            String description, List<String> indexes, List<String> permissions, List<String> principals) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("Description", description);
        rule.put(
                "Rules",
                List.of(Map.of(
                        "ResourceType", "index",
                        "Resource", indexes,
                        "Permission", permissions)));
        rule.put("Principal", principals);
        return rule;
    }
}

package dev.sluice.infra;

import com.google.gson.GsonBuilder;
import com.pulumi.aws.opensearch.ServerlessAccessPolicy;
import com.pulumi.aws.opensearch.ServerlessAccessPolicyArgs;
import com.pulumi.core.Output;
import java.util.List;
import java.util.Map;

/**
 * OpenSearch Serverless checks a collection's data access policy besides IAM: this one lets the roles that search
 * and index (processor, ingestor, worker) use the collection's indexes, and nothing else.
 */
final class OpenSearchAccess {
    private OpenSearchAccess() {}

    static void create(StackSettings s, List<Output<String>> roleArns) {
        StackSettings.VectorStore vs = s.vectorStore();
        if (!vs.kind().equals("opensearch")
                || !vs.sigv4().filter("aoss"::equals).isPresent()) {
            return;
        }
        String collection = vs.opensearchCollection().orElseThrow();
        Output<String> policy = Output.all(roleArns)
                .applyValue(principals -> new GsonBuilder()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(List.of(Map.of(
                                "Description",
                                "sluice " + s.stack() + " functions read and write the vector indexes",
                                "Rules",
                                List.of(
                                        Map.of(
                                                "ResourceType", "index",
                                                "Resource", List.of("index/" + collection + "/*"),
                                                "Permission",
                                                        List.of(
                                                                "aoss:CreateIndex",
                                                                "aoss:DescribeIndex",
                                                                "aoss:UpdateIndex",
                                                                "aoss:ReadDocument",
                                                                "aoss:WriteDocument")),
                                        Map.of(
                                                "ResourceType", "collection",
                                                "Resource", List.of("collection/" + collection),
                                                "Permission", List.of("aoss:DescribeCollectionItems"))),
                                "Principal",
                                principals))));
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
}

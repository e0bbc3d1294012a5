package dev.sluice.emulators.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OpenSearchNodeIT {
    private final HttpClient http = HttpClient.newHttpClient();

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(SharedOpenSearchNode.get().endpoint() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void aGreenSingleNodeWithTheKnnPluginListensOnLoopback() throws Exception {
        OpenSearchNode node = SharedOpenSearchNode.get();
        assertThat(node.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(get("/_cluster/health")).contains("\"status\":\"green\"", "\"number_of_nodes\":1");
        assertThat(get("/_cat/plugins?h=component")).contains("opensearch-knn");
        assertThat(get("/")).contains("\"number\" : \"3.5.0\"");
    }

    @Test
    void theNodeRunsAsAnUnprivilegedUser() throws Exception {
        long pid = SharedOpenSearchNode.get().pid();
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        String uidLine =
                status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertThat(uidLine.split("\\s+")[1]).isNotEqualTo("0");
        assertThat(ProcessHandle.of(pid).orElseThrow().info().commandLine().orElse(""))
                .contains("org.opensearch.bootstrap.OpenSearch");
    }

    @Test
    void aKnnIndexWithTheLuceneEngineAcceptsAndFindsVectors() throws Exception {
        String base = SharedOpenSearchNode.get().endpoint().toString();
        String mapping =
                "{\"settings\":{\"index.knn\":true},\"mappings\":{\"properties\":{\"v\":{\"type\":\"knn_vector\","
                        + "\"dimension\":2,\"method\":{\"name\":\"hnsw\",\"engine\":\"lucene\",\"space_type\":\"cosinesimil\"}}}}}";
        send("PUT", base + "/knn-smoke", mapping);
        send("PUT", base + "/knn-smoke/_doc/1?refresh=true", "{\"v\":[1,0]}");
        send("PUT", base + "/knn-smoke/_doc/2?refresh=true", "{\"v\":[0,1]}");
        send("POST", base + "/knn-smoke/_flush", "");
        String hits = send(
                "POST",
                base + "/knn-smoke/_search",
                "{\"size\":1,\"query\":{\"knn\":{\"v\":{\"vector\":[0.9,0.1],\"k\":1}}}}");
        assertThat(hits).contains("\"_id\":\"1\"");
        assertThat(SharedOpenSearchNode.get().isAlive()).isTrue();
        send("DELETE", base + "/knn-smoke", "");
    }

    private String send(String method, String uri, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        return response.body();
    }
}

package dev.sluice.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of sluice's HTTP API, used by the CLI commands and the demo. */
public final class ApiClient {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;
    private final String tenant;

    public ApiClient(URI endpoint, String tenant) {
        this.endpoint = endpoint;
        this.tenant = tenant;
    }

    /** A response: status and parsed JSON body. */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status < 400;
        }
    }

    public Reply post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(endpoint.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(endpoint.resolve(path)).GET());
    }

    /** The job once it has ended (SUCCEEDED or FAILED), polling every 200 ms. */
    public JsonNode awaitEnd(String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Reply reply = get("/v1/jobs/" + jobId);
            String status = reply.body().path("status").asText();
            if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                return reply.body();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("job " + jobId + " did not end within " + timeout);
    }

    /**
     * The job's trace once it shows {@code hops} hops: the traces of the hops one processor invocation answered are
     * written together when the invocation ends, which can be a moment after the job has ended.
     */
    public JsonNode awaitTrace(String jobId, int hops, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Reply reply = get("/v1/jobs/" + jobId + "/trace");
        while (System.nanoTime() < deadline) {
            reply = get("/v1/jobs/" + jobId + "/trace");
            if (reply.ok() && reply.body().path("hops").size() >= hops) {
                return reply.body();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the trace of job " + jobId + " did not show " + hops + " hops within "
                + timeout + ": " + reply.body());
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(
                    request.header("X-Tenant-Id", tenant)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0
                    ? Json.MAPPER.createObjectNode()
                    : Json.MAPPER.readTree(response.body());
            return new Reply(response.statusCode(), body);
        } catch (ConnectException e) {
            throw new IllegalStateException("sluice is not running at " + endpoint + ": start it with ./sluice up", e);
        } catch (IOException e) {
            throw new IllegalStateException("calling " + endpoint + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

package dev.sluice.adapter.llm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.llm.internal.HttpFailure;
import dev.sluice.adapter.llm.internal.ProviderErrors;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.TransientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The few HTTP calls a batch API needs (JSON in and out, a file up and down), with the provider's refusals turned into
 * sluice's failures: a 429, a 5xx or a lost connection is worth another try on the batcher's next run, a 4xx is not.
 */
final class BatchHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;
    private final String provider;

    BatchHttp(String provider, Duration timeout) {
        this.provider = provider;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    JsonNode json(String method, URI uri, Map<String, String> headers, JsonNode body) {
        byte[] bytes = body == null ? new byte[0] : write(body);
        HttpRequest.Builder b = request(uri, headers)
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        return read(uri, send(b.build()));
    }

    /** The body of a GET as text: a results file. */
    String text(URI uri, Map<String, String> headers) {
        return send(request(uri, headers).GET().build());
    }

    /** A multipart upload of one file with the form's other fields. */
    JsonNode upload(URI uri, Map<String, String> headers, Map<String, String> fields, String fileName, byte[] file) {
        String boundary = "sluice-" + Long.toHexString(System.nanoTime());
        StringBuilder head = new StringBuilder();
        fields.forEach((k, v) -> head.append("--")
                .append(boundary)
                .append("\r\ncontent-disposition: form-data; name=\"")
                .append(k)
                .append("\"\r\n\r\n")
                .append(v)
                .append("\r\n"));
        head.append("--")
                .append(boundary)
                .append("\r\ncontent-disposition: form-data; name=\"file\"; filename=\"")
                .append(fileName)
                .append("\"\r\ncontent-type: application/jsonl\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + file.length + end.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(file, 0, all, start.length, file.length);
        System.arraycopy(end, 0, all, start.length + file.length, end.length);
        HttpRequest r = request(uri, headers)
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(all))
                .build();
        return read(uri, send(r));
    }

    private HttpRequest.Builder request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(b::header);
        return b;
    }

    private String send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new TransientException(
                    provider + " batch API timed out: " + e.getMessage(), FailureKind.TIMEOUT, 0, e);
        } catch (IOException e) {
            throw new TransientException(
                    provider + " batch API could not be reached: " + e.getMessage(), FailureKind.CONNECTION, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException(provider + " batch API call interrupted", FailureKind.CONNECTION, 0, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            HttpFailure failure = new HttpFailure(status, response.headers().map(), response.body(), "");
            throw ProviderErrors.classify(
                    provider + " batch API (" + request.method() + " "
                            + request.uri().getPath() + ")",
                    new IllegalStateException(abbreviate(response.body())),
                    e -> Optional.of(failure));
        }
        return response.body();
    }

    private JsonNode read(URI uri, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new TransientException(
                    provider + " batch API sent an unreadable answer to " + uri.getPath(),
                    FailureKind.BAD_RESPONSE,
                    0,
                    e);
        }
    }

    private static byte[] write(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a provider's status for one line means, as the live adapters classify the same status and body
     * ({@link ProviderErrors}): permanent when asking again will not help (a 4xx other than 408, 409 and 429).
     */
    static ParkedCalls.LineError lineError(String provider, int status, String body) {
        PortException e = ProviderErrors.classify(
                provider,
                new IllegalStateException(abbreviate(body)),
                t -> Optional.of(new HttpFailure(status, Map.of(), body, "")));
        return new ParkedCalls.LineError(e.kind(), e instanceof PermanentException, status, abbreviate(body));
    }

    /** A results file's line as JSON. */
    JsonNode line(String text) {
        return line(provider, text);
    }

    /** A results file's line of {@code provider}'s as JSON. */
    static JsonNode line(String provider, String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new TransientException(
                    provider + " batch results hold an unreadable line", FailureKind.BAD_RESPONSE, 0, e);
        }
    }

    /** {@code field} of a batch API's answer, which must be there. */
    static String required(JsonNode node, String field) {
        String value = node.path(field).asText("");
        if (value.isEmpty()) {
            throw new TransientException(
                    "batch API answer has no '" + field + "': " + abbreviate(node.toString()),
                    FailureKind.BAD_RESPONSE,
                    0,
                    null);
        }
        return value;
    }

    /** {@code path} under a model's {@code baseUrl} option, or the provider's own. */
    static URI uri(ModelSpec model, String fallbackBase, String path) {
        String base = model.option("baseUrl").orElse(fallbackBase);
        return URI.create(base.replaceAll("/+$", "") + path);
    }

    static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}

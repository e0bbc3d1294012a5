package dev.sluice.adapter.llm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
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
            throw refused(
                    provider + " batch API answered " + status + " to " + request.method() + " "
                            + request.uri().getPath() + ": " + abbreviate(response.body()),
                    status);
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

    /** A refusal of the whole call, by its status. */
    static PortException refused(String what, int status) {
        if (status == 429) {
            return new ThrottledException(what, Duration.ofSeconds(30), null);
        }
        ParkedCalls.LineError e = lineError(status, what);
        return e.permanent()
                ? new PermanentException(what, e.kind(), status, null)
                : new TransientException(what, e.kind(), status, null);
    }

    /** What a provider's status for one line means: a 4xx other than 408, 409 and 429 will not go better. */
    static ParkedCalls.LineError lineError(int status, String detail) {
        FailureKind kind = switch (status) {
            case 400, 413, 422 -> FailureKind.INVALID_REQUEST;
            case 401, 403 -> FailureKind.UNAUTHORIZED;
            case 404 -> FailureKind.NOT_FOUND;
            case 408, 504 -> FailureKind.TIMEOUT;
            case 429 -> FailureKind.RATE_LIMITED;
            default -> status >= 500 ? FailureKind.SERVER_ERROR : FailureKind.UNCLASSIFIED;
        };
        boolean permanent = status >= 400 && status < 500 && status != 408 && status != 409 && status != 429;
        return new ParkedCalls.LineError(kind, permanent, status, detail);
    }

    static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }
}

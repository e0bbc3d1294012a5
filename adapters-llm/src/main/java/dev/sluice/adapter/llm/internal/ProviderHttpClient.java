package dev.sluice.adapter.llm.internal;

import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * LangChain4j's HTTP seam on {@link java.net.http.HttpClient}, answering errors with a {@link
 * ProviderHttpException} that keeps the headers (retry-after, rate-limit resets) and remembering successful bodies
 * and headers (the limits the provider reports) in {@link RawResponses}. Streaming is not used by sluice and is
 * refused.
 */
public final class ProviderHttpClient implements HttpClient {
    private final java.net.http.HttpClient http;
    private final Duration readTimeout;

    private ProviderHttpClient(java.net.http.HttpClient http, Duration readTimeout) {
        this.http = http;
        this.readTimeout = readTimeout;
    }

    /** A builder for LangChain4j's {@code httpClientBuilder(..)}; the model builders set its timeouts. */
    public static HttpClientBuilder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            throw new UnsupportedOperationException("multipart requests are not used by sluice");
        }
        java.net.http.HttpRequest.Builder jdk = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> values.forEach(v -> jdk.header(name, v)));
        jdk.method(
                request.method().name(),
                request.body() == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        if (request.url().startsWith("http:")) {
            // Plain HTTP is a local server: skip the h2c upgrade attempt the JDK client makes by default.
            jdk.version(java.net.http.HttpClient.Version.HTTP_1_1);
        }
        if (readTimeout != null) {
            jdk.timeout(readTimeout);
        }
        HttpResponse<String> response;
        try {
            response = http.send(jdk.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new TimeoutException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LangChain4jException("interrupted while waiting for the provider", e);
        }
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            throw new ProviderHttpException(
                    response.statusCode(), response.body(), response.headers().map());
        }
        RawResponses.offer(response.body(), response.headers().map());
        return SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .body(response.body())
                .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("streaming is not used by sluice");
    }

    private static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            if (timeout != null) {
                // A provider that does not accept a connection within seconds is down; do not spend the call's budget.
                this.connectTimeout = timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5);
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public HttpClient build() {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .build();
            return new ProviderHttpClient(http, readTimeout);
        }
    }
}

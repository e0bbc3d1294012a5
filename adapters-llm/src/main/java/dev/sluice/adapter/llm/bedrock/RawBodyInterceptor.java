package dev.sluice.adapter.llm.bedrock;

import dev.sluice.adapter.llm.internal.RawResponses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Keeps a copy of a successful Converse response body for the trace; the synchronous client reads it on the caller's thread. */
final class RawBodyInterceptor implements ExecutionInterceptor {
    @Override
    public Optional<InputStream> modifyHttpResponseContent(
            Context.ModifyHttpResponse context, ExecutionAttributes executionAttributes) {
        Optional<InputStream> body = context.responseBody();
        if (body.isEmpty() || !context.httpResponse().isSuccessful()) {
            return body;
        }
        try (InputStream in = body.get()) {
            byte[] bytes = in.readAllBytes();
            RawResponses.offer(new String(bytes, StandardCharsets.UTF_8));
            return Optional.of(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Bedrock response body", e);
        }
    }
}

package dev.sluice.adapter.aws.sqs;

import dev.sluice.domain.model.QueueMessage;
import java.util.Optional;

/**
 * The W3C trace context a sent message carries in its {@code traceparent} attribute, so the consumer's span joins
 * the sender's trace. The bootstrap answers from its tracer; this module knows no tracing library.
 */
@FunctionalInterface
public interface MessageTrace {
    /** No tracing: messages carry no {@code traceparent}. */
    MessageTrace NONE = message -> Optional.empty();

    /** The {@code traceparent} value ({@code 00-<trace id>-<span id>-<flags>}) to send with {@code message}. */
    Optional<String> traceparent(QueueMessage message);
}

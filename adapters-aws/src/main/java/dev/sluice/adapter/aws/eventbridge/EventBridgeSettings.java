package dev.sluice.adapter.aws.eventbridge;

import java.util.Objects;

/**
 * Where events go and how large their text may be.
 *
 * @param busName the event bus's name or ARN
 * @param maxTextChars results and failure reasons longer than this are cut (and flagged as truncated): an
 *     EventBridge entry is at most 256 KB, and the full result is always readable from the job
 */
public record EventBridgeSettings(String busName, String source, int maxTextChars) {
    public static final String SOURCE = "sluice";
    public static final int DEFAULT_MAX_TEXT_CHARS = 8_192;

    public EventBridgeSettings {
        Objects.requireNonNull(busName, "'busName' must not be null");
        Objects.requireNonNull(source, "'source' must not be null");
        if (maxTextChars < 1 || maxTextChars > 50_000) {
            throw new IllegalArgumentException("'maxTextChars' must be between 1 and 50000, got " + maxTextChars);
        }
    }

    public static EventBridgeSettings of(String busName) {
        return new EventBridgeSettings(busName, SOURCE, DEFAULT_MAX_TEXT_CHARS);
    }
}

package dev.sluice.adapter.llm.internal;

import java.util.Optional;

/**
 * The body of the last successful provider response on this thread, for the trace. A LangChain4j chat call runs
 * its HTTP exchange on the calling thread, so the adapter clears the slot before the call and reads it after.
 */
public final class RawResponses {
    private static final ThreadLocal<String> LAST = new ThreadLocal<>();

    private RawResponses() {}

    public static void clear() {
        LAST.remove();
    }

    public static void offer(String body) {
        LAST.set(body);
    }

    public static Optional<String> take() {
        String body = LAST.get();
        LAST.remove();
        return Optional.ofNullable(body);
    }
}

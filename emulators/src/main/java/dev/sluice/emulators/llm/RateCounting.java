package dev.sluice.emulators.llm;

/**
 * How a simulated model counts its per-minute limits ({@link ModelBehaviour#rpm()}, {@link ModelBehaviour#tpm()}),
 * as the different providers do. The limits are always given per minute; the counting decides how bursty the traffic
 * they admit may be, and so what a client sees as 429s.
 */
public enum RateCounting {
    /**
     * Requests and tokens over the last 60 seconds: a burst up to the whole minute's limit is admitted at once, then
     * nothing until the oldest request leaves the minute. A single request larger than the token limit is admitted
     * into an empty minute. The default.
     */
    SLIDING_MINUTE,
    /**
     * Anthropic's documented token bucket: each limit is a bucket holding up to the per-minute limit, starting full and
     * refilled continuously at a sixtieth of the limit per second. A request takes one request and its tokens, and is
     * refused while either bucket holds too little; it may come back once enough has refilled. A single request
     * larger than the token limit is admitted when the token bucket is full, and empties it. The limit headers report
     * what is left in the buckets and, on an admitted request, when they will be full again.
     */
    TOKEN_BUCKET,
    /**
     * OpenAI's "enforced over shorter periods": a per-minute limit is enforced as a sixtieth of it (rounded up, so at
     * least one) in every aligned one-second window, requests and tokens alike; a single request larger than the
     * second's token share is admitted into an empty second. A refused request may come back in one second. The limit
     * headers report what is left of the current second's share and when the next second starts.
     */
    PER_SECOND;

    /** A fresh counter of this kind for one model. */
    RateCounter newCounter() {
        return switch (this) {
            case SLIDING_MINUTE -> new RateWindow();
            case TOKEN_BUCKET -> new TokenBucket();
            case PER_SECOND -> new PerSecondWindow();
        };
    }

    /** The name in a simulator config: {@code sliding-minute}, {@code token-bucket}, {@code per-second}. */
    String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

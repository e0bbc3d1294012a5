package dev.sluice.domain.port;

/**
 * What kind of failure a port met, in words a tenant may read. A closed set on purpose: a failure's reason for the
 * tenant is built from this, the port's HTTP status and sluice's own names, never from a dependency's text, which
 * stays in the exception's message for operators.
 */
public enum FailureKind {
    INVALID_REQUEST("invalid request"),
    UNAUTHORIZED("credentials refused"),
    NOT_FOUND("not found"),
    CONTEXT_TOO_LONG("context too long"),
    CONTENT_FILTERED("content filtered"),
    RATE_LIMITED("rate limited"),
    TIMEOUT("timed out"),
    SERVER_ERROR("server error"),
    CONNECTION("connection failed"),
    BAD_RESPONSE("unreadable response"),
    CIRCUIT_OPEN("circuit open"),
    NOT_CONFIGURED("not configured"),
    /** Nothing more is known; said as nothing more than the failure's class (refused, unavailable). */
    UNCLASSIFIED("unclassified");

    private final String words;

    FailureKind(String words) {
        this.words = words;
    }

    /** The kind as a tenant reads it, e.g. {@code invalid request}. */
    public String words() {
        return words;
    }
}

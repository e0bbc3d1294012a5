package dev.sluice.domain.engine;

import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A failure told twice. The tenant reads a sentence built only from sluice's own names (the step, the model alias),
 * the failure's class, its {@link FailureKind} and HTTP status: never a dependency's text, an exception's class, a
 * host or a key. The operator reads the detail: the exceptions' own messages, which may quote the provider's answer.
 */
final class Failures {
    /** The most of an operator's detail kept on a trace or a log line. */
    static final int DETAIL_LIMIT = 2_000;

    private Failures() {}

    /**
     * @param reason what the job's tenant reads (its {@code failureReason}, its {@code job.failed} event)
     * @param detail what an operator reads (the trace, a WARN log line); empty when the reason is all there is
     */
    record Failure(String reason, String detail) {
        Failure {
            Objects.requireNonNull(reason, "'reason' must not be null");
            Objects.requireNonNull(detail, "'detail' must not be null");
        }

        Failure andThen(String more) {
            return new Failure(reason + more, detail);
        }
    }

    /**
     * A failure {@code where} met that was already told in a tenant's words ({@code reason}), with the dependencies'
     * own words for each attempt ({@code details}) as the operator's detail.
     */
    static Failure of(String where, String reason, List<String> details) {
        return new Failure(where + ": " + reason, cut(where + ": " + String.join("; ", details)));
    }

    /**
     * {@code error} as {@code where} met it: e.g. {@code step 'answer': the provider of model 'fast' refused the
     * request (HTTP 400, invalid request)}, with the exceptions' own words as the detail.
     *
     * @param subject who failed, as the tenant knows it ({@code the vector store}); null when nothing was called
     */
    static Failure of(String where, String subject, Throwable error) {
        String who = subject == null ? where : where + ", " + subject;
        return new Failure(where + ": " + said(subject, error), who + ": " + detail(error));
    }

    /**
     * What {@code subject} did, in a tenant's words: refused the request, timed out, could not be reached, failed
     * (with the HTTP status and the kind where known); an unclassified exception failed unexpectedly.
     */
    static String said(String subject, Throwable error) {
        String who = subject == null ? "" : subject + " ";
        if (!(error instanceof PortException port)) {
            return who + "failed unexpectedly (internal error)";
        }
        return who
                + switch (port) {
                    case ThrottledException t -> "throttled the request" + parenthesis(port, false);
                    case PermanentException p when p.kind() == FailureKind.NOT_CONFIGURED -> "is not configured";
                    case PermanentException p -> "refused the request" + parenthesis(port, true);
                    case TransientException t -> unavailable(t);
                };
    }

    private static String unavailable(TransientException e) {
        return switch (e.kind()) {
            case CIRCUIT_OPEN -> "is unavailable (circuit open after recent failures)";
            case TIMEOUT -> "timed out" + parenthesis(e, false);
            case CONNECTION -> "could not be reached";
            case BAD_RESPONSE -> "sent an unreadable response" + parenthesis(e, false);
            default -> "failed" + parenthesis(e, true);
        };
    }

    /**
     * The failure in a few words, for the list of fallbacks a job's hop shows: {@code circuit open}, {@code HTTP 401,
     * credentials refused}, {@code refused}, {@code internal error}.
     */
    static String label(Throwable error) {
        if (!(error instanceof PortException port)) {
            return "internal error";
        }
        if (port instanceof CircuitOpenException) {
            return "circuit open";
        }
        if (port instanceof ThrottledException) {
            return "throttled";
        }
        List<String> parts = parts(port, true);
        if (!parts.isEmpty()) {
            return String.join(", ", parts);
        }
        return port instanceof PermanentException ? "refused" : "unavailable";
    }

    /**
     * For operators: every exception of the chain with its class and message (the provider's status, error type and
     * body excerpt are in the adapters' messages), at most {@link #DETAIL_LIMIT} characters.
     */
    static String detail(Throwable error) {
        StringBuilder out = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        String previous = null;
        for (Throwable t = error; t != null && seen.put(t, true) == null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().strip();
            // A wrapper that only repeats its cause's message (as LangChain4j's do) adds nothing.
            if (previous != null && !message.isEmpty() && previous.contains(message)) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName());
            if (!message.isEmpty()) {
                out.append(": ").append(message);
            }
            previous = message;
            if (out.length() >= DETAIL_LIMIT) {
                break;
            }
        }
        return cut(out.toString());
    }

    static String cut(String text) {
        return text.length() <= DETAIL_LIMIT ? text : text.substring(0, DETAIL_LIMIT) + "...";
    }

    private static String parenthesis(PortException port, boolean withKind) {
        List<String> parts = parts(port, withKind);
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static List<String> parts(PortException port, boolean withKind) {
        List<String> parts = new ArrayList<>(2);
        port.status().ifPresent(s -> parts.add("HTTP " + s));
        if (withKind && port.kind() != FailureKind.UNCLASSIFIED) {
            parts.add(port.kind().words());
        }
        return parts;
    }
}

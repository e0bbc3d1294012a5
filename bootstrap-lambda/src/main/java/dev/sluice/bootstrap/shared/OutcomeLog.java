package dev.sluice.bootstrap.shared;

import dev.sluice.domain.usecase.HopOutcome;
import org.apache.logging.log4j.Logger;

/**
 * One log line per outcome of a message. INFO says what happened in identifiers and numbers only (the line's context
 * already carries the job, hop, tenant, pipeline and correlation id); a failed job and a delivery to retry are WARN
 * lines for operators, with the job's reason and what the dependency said. No prompt, input, answer or provider body
 * is ever logged at INFO.
 */
public final class OutcomeLog {
    private OutcomeLog() {}

    /** @param what the delivery, e.g. {@code hop 1 attempt 2} */
    public static void log(Logger log, String what, HopOutcome outcome) {
        switch (outcome) {
            case HopOutcome.Advanced a -> log.info("{}: advanced to hop {}", what, a.nextHop());
            case HopOutcome.Completed c -> log.info("{}: completed", what);
            case HopOutcome.Deferred d ->
                log.info("{}: deferred by {} s", what, d.retryAfter().toSeconds());
            case HopOutcome.Duplicate d -> log.info("{}: duplicate", what);
            case HopOutcome.Retry r -> log.warn("{}: to be retried: {}", what, r.cause());
            case HopOutcome.Failed f when f.detail().isEmpty() -> log.warn("{}: job failed: {}", what, f.reason());
            case HopOutcome.Failed f -> log.warn("{}: job failed: {}; detail: {}", what, f.reason(), f.detail());
        }
    }
}

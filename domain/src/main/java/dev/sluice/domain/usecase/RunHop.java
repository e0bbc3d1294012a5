package dev.sluice.domain.usecase;

import dev.sluice.domain.model.Envelope;

/** Runs one hop of a job: its steps up to and including one model call, then queues what comes next. */
public interface RunHop {
    HopOutcome run(Envelope envelope);
}

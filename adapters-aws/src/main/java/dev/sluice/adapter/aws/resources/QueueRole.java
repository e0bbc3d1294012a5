package dev.sluice.adapter.aws.resources;

/** sluice's three queues; each has a dead-letter queue of its own. */
public enum QueueRole {
    /** Hop envelopes for the processor. */
    WORK("work"),
    /** Envelopes of jobs whose model calls are done, for the finalizer. */
    FINALIZE("finalize"),
    /** Ingest requests for the ingestor. */
    INGEST("ingest");

    private final String suffix;

    QueueRole(String suffix) {
        this.suffix = suffix;
    }

    /** The part of the queue's name after the stack prefix, e.g. {@code work}. */
    public String suffix() {
        return suffix;
    }
}

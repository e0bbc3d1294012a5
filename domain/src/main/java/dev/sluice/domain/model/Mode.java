package dev.sluice.domain.model;

/**
 * How a job's model calls are made: {@code LIVE} (the default), or through the providers' batch APIs ({@code BATCH})
 * where the model has a batch route, answered within the provider's batch window at the batch prices. A pipeline's
 * {@code mode: batch} makes every job of it a batch one; a job may ask for it on its own ({@code "mode": "batch"}).
 */
public enum Mode {
    LIVE,
    BATCH;

    /** {@code live} or {@code batch}, as the API spells it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The mode spelled {@code text} as the API spells it; empty for anything else. */
    public static java.util.Optional<Mode> ofWireName(String text) {
        for (Mode m : values()) {
            if (m.wireName().equals(text)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }
}

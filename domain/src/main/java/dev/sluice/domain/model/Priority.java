package dev.sluice.domain.model;

/**
 * How soon a job's model calls want admission within its tenant's share: {@code INTERACTIVE} work (a person waits)
 * goes before {@code BATCH} work (thousands of items that can wait a few seconds more).
 */
public enum Priority {
    INTERACTIVE,
    BATCH;

    /** {@code interactive} or {@code batch}, as the API and the configuration spell it. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The priority spelled {@code text} as the API and the configuration spell it; empty for anything else. */
    public static java.util.Optional<Priority> ofWireName(String text) {
        for (Priority p : values()) {
            if (p.wireName().equals(text)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}

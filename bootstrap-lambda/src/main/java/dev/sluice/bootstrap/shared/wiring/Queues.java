package dev.sluice.bootstrap.shared.wiring;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import javax.inject.Qualifier;

/** Qualifiers for sluice's three queues. */
public final class Queues {
    private Queues() {}

    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Work {}

    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Finalize {}

    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Ingest {}
}

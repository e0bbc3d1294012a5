package dev.sluice.bootstrap.shared;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda snapshots an initialised function, run a read-only request through the paths a
 * first request takes (SDK client, TLS, JSON), so restored instances start warm. Without SnapStart nothing runs.
 */
public final class Priming implements Resource {
    private static final Logger LOG = LogManager.getLogger(Priming.class);

    private final String function;
    private final Runnable warmUp;

    private Priming(String function, Runnable warmUp) {
        this.function = function;
        this.warmUp = warmUp;
    }

    /** Registers {@code warmUp}; the returned object must stay reachable (CRaC holds resources weakly). */
    public static Priming register(String function, Runnable warmUp) {
        Priming priming = new Priming(function, warmUp);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            warmUp.run();
        } catch (RuntimeException e) {
            // Priming is an optimisation: a snapshot without it is still a correct one.
            LOG.warn("priming {} failed: {}", function, e.toString());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        LOG.info("{} restored from its snapshot", function);
    }

    /** Runs the warm-up as the checkpoint would; for tests and benchmarks. */
    public void primeNow() {
        beforeCheckpoint(null);
    }
}

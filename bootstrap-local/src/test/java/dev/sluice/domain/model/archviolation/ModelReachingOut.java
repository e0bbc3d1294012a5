package dev.sluice.domain.model.archviolation;

import dev.sluice.domain.config.Comeback;
import dev.sluice.domain.engine.RunHopService;

/** Breaks the rings on purpose: a model value reaching out to the configuration and the engine. */
public final class ModelReachingOut {
    private ModelReachingOut() {}

    public static long burst() {
        return new Comeback().line(0).toMillis() + RunHopService.class.getName().length();
    }
}

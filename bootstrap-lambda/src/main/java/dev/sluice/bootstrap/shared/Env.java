package dev.sluice.bootstrap.shared;

import java.util.Optional;

/**
 * The one place sluice reads its process environment. A JVM system property of the same name wins over the
 * environment variable, so the local runtime can run every function in one JVM with its own settings.
 */
public final class Env {
    private Env() {}

    public static Optional<String> get(String name) {
        String property = System.getProperty(name);
        if (property != null && !property.isBlank()) {
            return Optional.of(property);
        }
        String variable = System.getenv(name);
        return variable == null || variable.isBlank() ? Optional.empty() : Optional.of(variable);
    }

    public static String require(String name) {
        return get(name)
                .orElseThrow(() -> new IllegalStateException("environment variable " + name
                        + " is not set (the deployment sets it; locally the sluice CLI does)"));
    }
}

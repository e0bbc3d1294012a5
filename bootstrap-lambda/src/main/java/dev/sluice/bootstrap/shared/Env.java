package dev.sluice.bootstrap.shared;

import java.util.HashMap;
import java.util.Map;

/**
 * The process environment as sluice reads it, for {@link Settings} alone: a JVM system property of the same name wins
 * over the environment variable (so the local runtime can run every function in one JVM with its own settings), and a
 * blank value counts as unset.
 */
final class Env {
    private Env() {}

    /** Every non-blank environment variable, then every non-blank system property over it. */
    static Map<String, String> snapshot() {
        Map<String, String> values = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (!value.isBlank()) {
                values.put(name, value);
            }
        });
        for (String name : System.getProperties().stringPropertyNames()) {
            String value = System.getProperty(name);
            if (value != null && !value.isBlank()) {
                values.put(name, value);
            }
        }
        return values;
    }
}

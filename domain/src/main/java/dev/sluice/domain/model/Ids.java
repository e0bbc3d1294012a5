package dev.sluice.domain.model;

import java.util.Objects;

/** Small helpers shared by the id value types. */
final class Ids {
    private Ids() {}

    static String require(String value, String name, int maxLength) {
        Objects.requireNonNull(value, () -> "'" + name + "' must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' must not be blank");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException("'" + name + "' must be at most " + maxLength + " characters");
        }
        return value;
    }
}

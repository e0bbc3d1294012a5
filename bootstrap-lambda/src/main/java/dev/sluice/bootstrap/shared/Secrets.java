package dev.sluice.bootstrap.shared;

import java.util.Optional;

/** Secret values by name (provider API keys), read once and kept for the life of the function. */
@FunctionalInterface
public interface Secrets {
    Optional<String> value(String name);
}

package dev.sluice.bootstrap.shared.wiring.archviolation;

import dev.sluice.bootstrap.shared.Settings;
import java.util.Optional;
import java.util.function.Function;

/** Deliberately breaks the rules: wiring that reads the environment around Settings. */
public final class ModuleReadingEnvironment {
    public boolean leaseChosen() {
        return System.getenv("SLUICE_LEASE") != null;
    }

    public Function<String, String> properties() {
        return System::getProperty;
    }

    public Optional<String> model(Settings settings) {
        return settings.variables().get("SLUICE_EMBEDDER_MODEL");
    }
}

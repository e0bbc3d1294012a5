package dev.sluice.adapter.llm;

import dev.sluice.emulators.llm.LlmSimulator;

/** One provider simulator per test JVM, started on first use and stopped when the JVM exits. */
public final class SharedSimulator {
    private static LlmSimulator simulator;

    private SharedSimulator() {}

    public static synchronized LlmSimulator get() {
        if (simulator == null) {
            simulator = LlmSimulator.start();
            LlmSimulator started = simulator;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "llm-simulator-stop"));
        }
        return simulator;
    }
}

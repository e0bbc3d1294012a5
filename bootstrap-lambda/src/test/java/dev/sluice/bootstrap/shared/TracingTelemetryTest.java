package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.port.Telemetry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every metric the engine reports reaches the metrics behind the tracing decorator, whatever is added later. */
class TracingTelemetryTest {
    @Test
    void everyTelemetryCallIsPassedOn() throws Exception {
        List<String> received = new ArrayList<>();
        Telemetry recording = (Telemetry) Proxy.newProxyInstance(
                Telemetry.class.getClassLoader(), new Class<?>[] {Telemetry.class}, (proxy, method, args) -> {
                    received.add(method.getName());
                    return null;
                });
        TracingTelemetry tracing = new TracingTelemetry(recording);
        List<String> expected = new ArrayList<>();
        for (Method m : Telemetry.class.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            expected.add(m.getName());
            Object[] args = new Object[m.getParameterCount()];
            Class<?>[] types = m.getParameterTypes();
            for (int i = 0; i < args.length; i++) {
                args[i] = sample(types[i]);
            }
            m.invoke(tracing, args);
        }
        assertThat(received).containsExactlyElementsOf(expected);
    }

    private static Object sample(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 1;
        }
        if (type == String.class) {
            return "x";
        }
        if (type == java.time.Duration.class) {
            return java.time.Duration.ZERO;
        }
        if (type == dev.sluice.domain.model.TokenUsage.class) {
            return dev.sluice.domain.model.TokenUsage.ZERO;
        }
        if (type == dev.sluice.domain.model.Cost.class) {
            return dev.sluice.domain.model.Cost.ZERO;
        }
        if (type == RuntimeException.class) {
            return new IllegalStateException("x");
        }
        if (type == dev.sluice.domain.model.JobStatus.class) {
            return dev.sluice.domain.model.JobStatus.SUCCEEDED;
        }
        throw new AssertionError("no sample for " + type + ": add one");
    }
}

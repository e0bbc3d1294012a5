package dev.sluice.emulators.sqs;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the JVM's shared {@link ElasticMq} as a parameter (of {@code @BeforeAll}, a constructor or a test),
 * and stops it when the whole test run ends.
 */
public final class ElasticMqExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ElasticMq.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ElasticMq.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent("shared", key -> new Running(ElasticMq.shared()), Running.class)
                .server();
    }

    /** Closed by JUnit when the root context closes, i.e. after the last test of the run. */
    private record Running(ElasticMq server) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}

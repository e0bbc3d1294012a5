package dev.sluice.emulators.s3;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the JVM's shared in-memory {@link S3ProxyServer} as a parameter (of {@code @BeforeAll}, a
 * constructor or a test), and stops it when the whole test run ends.
 */
public final class S3ProxyExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(S3ProxyServer.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == S3ProxyServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent("shared", key -> new Running(S3ProxyServer.shared()), Running.class)
                .server();
    }

    /** Closed by JUnit when the root context closes, i.e. after the last test of the run. */
    private record Running(S3ProxyServer server) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}

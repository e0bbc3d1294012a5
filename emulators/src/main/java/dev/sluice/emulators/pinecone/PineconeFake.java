package dev.sluice.emulators.pinecone;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A wire-level fake of one Pinecone serverless index: a gRPC server on 127.0.0.1 speaking the data plane the Pinecone
 * Java client uses ({@code VectorService}: upsert, query with namespace and metadata filter, delete by ids or filter,
 * fetch, describeIndexStats), with the index's fixed dimension and cosine metric.
 *
 * <p>No Pinecone server exists outside Pinecone's cloud (there is no local edition or container), so the honest test
 * of a Pinecone adapter is the real client talking real gRPC to this fake. Requests without the configured
 * {@code api-key} header are refused as Pinecone refuses them, with {@code UNAUTHENTICATED}.
 */
public final class PineconeFake implements AutoCloseable {
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    private final FakeVectorService service;

    private PineconeFake(Server server, FakeVectorService service) {
        this.server = server;
        this.service = service;
    }

    /** Starts an index of {@code dimension} on a free loopback port, accepting only {@code apiKey}. */
    public static PineconeFake start(int dimension, String apiKey) {
        Objects.requireNonNull(apiKey, "'apiKey' must not be null");
        FakeVectorService service = new FakeVectorService(dimension);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service)
                .intercept(new ApiKeyCheck(apiKey))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Pinecone fake", e);
        }
        return new PineconeFake(server, service);
    }

    /** What the client's {@code PineconeConfig.setHost} takes (plain text: set TLS off). */
    public String host() {
        return "127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    /** Vectors stored in a namespace, for tests that look behind the client. */
    public int count(String namespace) {
        return service.count(namespace);
    }

    /** Requests served per method name ({@code upsert}, {@code query}, ...), to see batching from outside. */
    public int requests(String method) {
        return service.requests(method);
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record ApiKeyCheck(String apiKey) implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!apiKey.equals(headers.get(API_KEY))) {
                call.close(Status.UNAUTHENTICATED.withDescription("Invalid API key"), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
        }
    }
}

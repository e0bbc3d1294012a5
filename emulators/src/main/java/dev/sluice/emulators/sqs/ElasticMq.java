package dev.sluice.emulators.sqs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * An SQS stand-in (ElasticMQ) running inside this JVM on 127.0.0.1 and a free port.
 *
 * <p>{@link #start()} gives a private instance the caller closes; {@link #shared()} gives one instance per JVM,
 * stopped by a shutdown hook. Nothing outlives the JVM, so there are no orphans from a killed run to sweep.
 */
public final class ElasticMq implements AutoCloseable {
    // ElasticMQ's bundled application.conf sets Pekko to DEBUG; everything below WARNING is noise for sluice.
    private static final String QUIET = "pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\n";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static ElasticMq shared;

    private final ActorSystem system;
    private final SQSRestServer server;
    private final URI endpoint;
    private boolean closed;

    private ElasticMq(ActorSystem system, SQSRestServer server, URI endpoint) {
        this.system = system;
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts a new ElasticMQ; the caller must {@link #close()} it. */
    public static ElasticMq start() {
        Config config = ConfigFactory.parseString(QUIET).withFallback(ConfigFactory.load());
        ActorSystem system = ActorSystem.create("elasticmq", config);
        try {
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(system)
                    .withInterface("127.0.0.1")
                    .withDynamicPort()
                    .start();
            InetSocketAddress bound = server.waitUntilStarted().localAddress();
            return new ElasticMq(system, server, URI.create("http://127.0.0.1:" + bound.getPort()));
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
    }

    /** The one ElasticMQ of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized ElasticMq shared() {
        if (shared == null || shared.isClosed()) {
            ElasticMq started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "elasticmq-stop"));
            shared = started;
        }
        return shared;
    }

    /** The endpoint to give an SQS client as its endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Stops the server and its actor system; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stopAndWait();
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("ElasticMQ did not stop within " + STOP_TIMEOUT, e);
            }
        }
    }

    @Override
    public String toString() {
        return "ElasticMq[" + endpoint + "]";
    }
}

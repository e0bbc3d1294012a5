package dev.sluice.emulators.sqs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.Option;

/**
 * An SQS stand-in (ElasticMQ) running inside this JVM on 127.0.0.1 and a free port, keeping queues in memory or,
 * with {@link #startDurable}, in a directory.
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
    private final boolean durable;
    private boolean closed;

    private ElasticMq(ActorSystem system, SQSRestServer server, URI endpoint, boolean durable) {
        this.system = system;
        this.server = server;
        this.endpoint = endpoint;
        this.durable = durable;
    }

    /** Starts a new ElasticMQ that keeps everything in memory; the caller must {@link #close()} it. */
    public static ElasticMq start() {
        ActorSystem system = actorSystem();
        try {
            return serve(system, SQSRestServerBuilder.withActorSystem(system), false);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
    }

    /**
     * Starts an ElasticMQ that keeps its queues and messages under {@code directory} (created if absent) and
     * restores them before it answers: a message in flight when an earlier server was killed comes back when its
     * visibility timeout runs out, and a message is stored before its send is answered. One per JVM at a time.
     *
     * <p>The port is a new free one each time; queue URLs embed it, so callers look them up again after a restart
     * (nothing ElasticMQ stores holds a URL: redrive policies name their dead-letter queue by ARN).
     */
    public static ElasticMq startDurable(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the ElasticMQ directory " + directory, e);
        }
        ActorSystem system = actorSystem();
        ActorRef store;
        try {
            store = SqlMessageStore.open(system, directory);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
        try {
            ActorRef queues = system.actorOf(Props.create(
                    QueueManagerActor.class,
                    () -> new QueueManagerActor(
                            new NowProvider(), SQSRestServerBuilder.sqsLimits(), Option.apply(store))));
            SqlMessageStore.restore(store, queues);
            return serve(
                    system,
                    SQSRestServerBuilder.withActorSystem(system)
                            .withQueueManagerActor(queues)
                            .withQueueEventListener(store),
                    true);
        } catch (RuntimeException e) {
            system.terminate();
            SqlMessageStore.close();
            throw e;
        }
    }

    private static ActorSystem actorSystem() {
        Config config = ConfigFactory.parseString(QUIET).withFallback(ConfigFactory.load());
        return ActorSystem.create("elasticmq", config);
    }

    private static ElasticMq serve(ActorSystem system, TheSQSRestServerBuilder builder, boolean durable) {
        SQSRestServer server =
                builder.withInterface("127.0.0.1").withDynamicPort().start();
        InetSocketAddress bound = server.waitUntilStarted().localAddress();
        return new ElasticMq(system, server, URI.create("http://127.0.0.1:" + bound.getPort()), durable);
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
            } finally {
                if (durable) {
                    SqlMessageStore.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ElasticMq[" + endpoint + "]";
    }
}

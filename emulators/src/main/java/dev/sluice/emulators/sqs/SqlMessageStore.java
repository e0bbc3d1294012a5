package dev.sluice.emulators.sqs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import scala.collection.immutable.List$;
import scala.util.Either;
import scalikejdbc.ConnectionPool;
import scalikejdbc.ConnectionPoolSettings;

/**
 * ElasticMQ's SQL persistence (queues and their messages in an H2 file), wired the way its standalone server does
 * it, since the embedded {@code SQSRestServerBuilder} reads no {@code messages-storage} configuration itself.
 *
 * <p>Two quirks decide the wiring. H2 delays writes by 500 ms by default, so a JVM killed just after SQS answered a
 * send would lose that message: {@code WRITE_DELAY=0} writes each commit before ElasticMQ replies. And the module
 * keeps its connection pool in scalikejdbc's JVM-wide default pool, initialised once: {@link #open} points that
 * pool at this store each time and {@link #close} releases it, so only one store can be open per JVM at a time.
 */
final class SqlMessageStore {
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);
    private static boolean open;

    private SqlMessageStore() {}

    /** Opens the store in {@code directory} and returns the actor that records every queue and message event. */
    static synchronized ActorRef open(ActorSystem system, Path directory) {
        if (open) {
            throw new IllegalStateException("a durable ElasticMQ is already running in this JVM");
        }
        String uri = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("queues") + ";WRITE_DELAY=0";
        try {
            Class.forName("org.h2.Driver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("H2 is missing from the classpath", e);
        }
        ConnectionPoolSettings settings = ConnectionPool.singleton$default$4();
        ConnectionPool.singleton(uri, "", "", settings, ConnectionPool.singleton$default$5(uri, "", "", settings));
        open = true;
        SqlQueuePersistenceConfig config = new SqlQueuePersistenceConfig(true, "org.h2.Driver", uri, "", "", false);
        return system.actorOf(Props.create(
                SqlQueuePersistenceActor.class, () -> new SqlQueuePersistenceActor(config, List$.MODULE$.empty())));
    }

    /** Recreates the stored queues in {@code queueManager}, each with its messages as they were (in flight too). */
    static void restore(ActorRef store, ActorRef queueManager) {
        try {
            Object reply = Patterns.ask(store, new QueueEvent.Restore(queueManager), RESTORE_TIMEOUT)
                    .toCompletableFuture()
                    .get(RESTORE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply instanceof Either<?, ?> either && either.isLeft()) {
                throw new IllegalStateException("ElasticMQ could not restore its queues: "
                        + either.left().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restoring ElasticMQ's queues", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("ElasticMQ could not restore its queues", e);
        }
    }

    /** Closes the H2 file, so another process (or a later store in this JVM) can open it. */
    static synchronized void close() {
        if (open) {
            ConnectionPool.closeAll();
            open = false;
        }
    }
}

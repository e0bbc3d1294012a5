package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A processor killed mid-hop (SIGKILL, after the model answered, before its message was deleted) is recovered by
 * redelivery to another processor, without a second model call for that hop. The processors here are separate JVMs
 * running the container worker, so the kill is real.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ProcessorKillIT {
    private static final String MODEL = "gpt-4o-mini";
    private static LocalSluice local;
    private static Path home;
    private static final List<Process> workers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("sluice-kill");
        // No processor in this JVM: hops run only in the worker processes started below.
        local = LocalSluice.start(
                new LocalSluice.Options(home, 0, Duration.ofMillis(50), 0, Duration.ofSeconds(5), 0, 10));
        ApiClient api = new ApiClient(local.api(), "kill-tenant");
        assertThat(api.post("/v1/documents", DemoRun.corpus("docs")).status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        workers.forEach(Process::destroyForcibly);
        if (local != null) {
            local.close();
        }
    }

    /** The container worker in its own JVM, configured exactly like the functions (its own Lucene copy from S3). */
    private static Process worker(String name) throws IOException {
        Path jar = Path.of("target", "sluice-local.jar").toAbsolutePath();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m"));
        local.properties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-DSLUICE_LUCENE_DIR=" + home.resolve("lucene-" + name));
        command.add("-DSLUICE_WORKER_CONCURRENCY=2");
        // A hop's lease outlives a killed holder by its length; ten seconds keeps the test short.
        command.add("-DSLUICE_LEASE=10s");
        command.addAll(List.of("-jar", jar.toString(), "worker"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Files.createDirectories(home.resolve(name)).toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "sluice-worker");
        builder.environment().put("AWS_EMF_ENVIRONMENT", "Local");
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        Process process = builder.start();
        workers.add(process);
        return process;
    }

    /** The completion cache's entries: the cache table also keeps the batcher's items (BATCH...), not counted. */
    private static int cacheEntries(DynamoDbClient dynamo) {
        return (int) dynamo.scan(r -> r.tableName(local.properties().get("SLUICE_CACHE_TABLE"))).items().stream()
                .filter(item -> !item.get("pk").s().startsWith("BATCH"))
                .count();
    }

    @Test
    void aHopKilledAfterTheModelAnsweredIsFinishedByRedeliveryWithoutASecondModelCall() throws Exception {
        DynamoDbClient dynamo = AwsClients.dynamoDb(AwsClientSettings.local(
                URI.create(local.properties().get("AWS_ENDPOINT_URL_DYNAMODB")),
                S3ProxyServer.ACCESS_KEY,
                S3ProxyServer.SECRET_KEY));
        Process first = worker("first");
        int cachedBefore = cacheEntries(dynamo);
        ApiClient api = new ApiClient(local.api(), "kill-tenant");
        String id = api.post(
                        "/v1/jobs",
                        Map.of(
                                "pipeline",
                                "rag",
                                "input",
                                Map.of("question", "Why is throttled work deferred? " + UUID.randomUUID())))
                .body()
                .path("jobId")
                .asText();

        // The completion is cached the moment the answer arrives, before the memo and the next send.
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (cacheEntries(dynamo) == cachedBefore && System.nanoTime() < deadline) {
            assertThat(first.isAlive())
                    .as("worker log: " + home.resolve("first.log"))
                    .isTrue();
            Thread.sleep(5);
        }
        first.destroyForcibly().waitFor();
        long callsAtKill = local.simulator().calls(MODEL);
        assertThat(callsAtKill).isEqualTo(1);

        worker("second");
        JsonNode job = api.get("/v1/jobs/" + id).body();
        deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!job.path("status").asText().matches("SUCCEEDED|FAILED") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            job = api.get("/v1/jobs/" + id).body();
        }
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(local.simulator().calls(MODEL)).isEqualTo(callsAtKill);
        assertThat(local.depth(local.deadLetterQueueUrl(QueueRole.WORK))).isZero();
        assertThat(new File(home.resolve("second.log").toString())).exists();
    }
}

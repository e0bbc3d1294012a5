package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.adapter.aws.resources.ResourceSettings;
import dev.sluice.adapter.aws.resources.SluiceResources;
import dev.sluice.bootstrap.shared.Json;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code ./sluice up} killed with SIGKILL while it holds accepted jobs and documents, then started again on the same
 * directory, finishes all of them: what it had accepted is on disk, not in the killed JVM's memory. The runtime runs
 * in child JVMs exactly as the {@code sluice} script starts it, so the kill is real.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DurableRestartIT {
    private static final String TENANT = "restart-tenant";
    private static final SluiceResources QUEUES = SluiceResources.of(ResourceSettings.defaults("sluice-local"));

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<ProcessHandle> grandchildren = new ArrayList<>();

    @AfterEach
    void stopChildren() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
        // Should a watchdog fail, its dynalite has been re-parented away from the killed runtime.
        grandchildren.forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void aKilledRuntimeRestartedOnItsStateFinishesEveryAcceptedJobAndDocumentAndKeepsItsDeadLetters() throws Exception {
        int port = freePort();
        // Model calls of about three seconds: the kill below finds every late job queued or mid-call.
        String[] up = {"up", "--port", Integer.toString(port), "--simulator-latency-ms", "3000"};
        Process first = sluice(dir, "first", up);
        JsonNode endpoints = awaitUp(first);
        ApiClient api = new ApiClient(URI.create(endpoints.path("api").asText()), TENANT);
        assertThat(api.post("/v1/documents", DemoRun.corpus("docs")).status()).isEqualTo(202);
        try (SqsClient sqs = sqs(endpoints)) {
            awaitDrained(sqs, queueUrl(sqs, QueueRole.INGEST), Duration.ofMinutes(1));
        }
        List<String> before = submit(api, 3, "What does the finalizer do?");
        for (String id : before) {
            assertThat(awaitEnd(api, id, Duration.ofSeconds(40)).path("status").asText())
                    .isEqualTo("SUCCEEDED");
        }
        String probe = "dead letter kept across a restart " + UUID.randomUUID();
        try (SqsClient sqs = sqs(endpoints)) {
            sqs.sendMessage(b -> b.queueUrl(endpoints.path("workDlq").asText()).messageBody(probe));
        }

        // Accept more than the runtime can finish at once, then kill it without warning.
        String lateDoc = "late-" + UUID.randomUUID() + ".md";
        String lateTopic = "the heron lantern procedure for cold storage of glaciers";
        assertThat(api.post(
                                "/v1/documents",
                                Map.of(
                                        "index",
                                        "docs",
                                        "documents",
                                        List.of(Map.of(
                                                "id",
                                                lateDoc,
                                                "contentType",
                                                "text/markdown",
                                                "text",
                                                "# Heron lantern\n\nSluice operators follow " + lateTopic
                                                        + ": every glacier is wrapped in a heron lantern."))))
                        .status())
                .isEqualTo(202);
        List<String> accepted = submit(api, 30, "How does sluice avoid paying twice for a model call?");
        List<ProcessHandle> children = first.descendants().toList();
        grandchildren.addAll(children);
        assertThat(children).as("the dynalite child of the first runtime").isNotEmpty();
        first.destroyForcibly().waitFor();

        // Its dynalite child notices the kill by itself, before anything sweeps it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(children.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid))
                .as("children left running after their runtime was killed")
                .isEmpty();

        Process second = sluice(dir, "second", up);
        JsonNode restarted = awaitUp(second);
        ApiClient again = new ApiClient(URI.create(restarted.path("api").asText()), TENANT);
        for (String id : before) {
            ApiClient.Reply reply = again.get("/v1/jobs/" + id);
            assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
            assertThat(reply.body().path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(again.get("/v1/jobs/" + id + "/trace").status()).isEqualTo(200);
        }
        assertThat(accepted.stream().filter(id -> !ended(again.get("/v1/jobs/" + id))))
                .as("jobs the kill left unfinished (else this test proves nothing)")
                .isNotEmpty();
        for (String id : accepted) {
            assertThat(awaitEnd(again, id, Duration.ofSeconds(80))
                            .path("status")
                            .asText())
                    .matches("SUCCEEDED|FAILED");
        }
        try (SqsClient sqs = sqs(restarted)) {
            awaitDrained(sqs, queueUrl(sqs, QueueRole.INGEST), Duration.ofSeconds(60));
            List<String> dead = sqs
                    .receiveMessage(b -> b.queueUrl(restarted.path("workDlq").asText())
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1))
                    .messages()
                    .stream()
                    .map(Message::body)
                    .toList();
            assertThat(dead).contains(probe);
        }
        // The document accepted just before the kill was ingested after the restart.
        String question = submit(again, 1, "What is " + lateTopic + "?").getFirst();
        assertThat(awaitEnd(again, question, Duration.ofSeconds(30))
                        .path("status")
                        .asText())
                .isEqualTo("SUCCEEDED");
        assertThat(again.awaitTrace(question, 1, Duration.ofSeconds(10))
                        .path("hops")
                        .get(0)
                        .path("retrieved")
                        .findValuesAsText("documentId"))
                .contains(lateDoc);

        try (var tables = Files.list(dir.resolve(".sluice/state/dynamodb"))) {
            assertThat(tables.toList())
                    .as("dynalite's LevelDB files under the runtime's home")
                    .isNotEmpty();
        }

        // down --wipe stops the runtime (and its children) and deletes the state.
        List<ProcessHandle> secondChildren = second.descendants().toList();
        grandchildren.addAll(secondChildren);
        Process down = sluice(dir, "down", "down", "--wipe");
        assertThat(down.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(down.exitValue())
                .as(Files.readString(dir.resolve("down.log")))
                .isZero();
        assertThat(second.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(secondChildren.stream().filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dir.resolve(".sluice/state")).doesNotExist();
        assertThat(dir.resolve(".sluice/up.pid")).doesNotExist();
    }

    /** The sluice CLI in a child JVM, as the {@code sluice} script runs it, with {@code dir} as its working directory. */
    private Process sluice(Path dir, String name, String... args) throws IOException {
        Path jar = Path.of("target", "sluice-local.jar").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                // A hop's lease outlives a killed holder by its length; ten seconds keeps the test short.
                "-DSLUICE_LEASE=10s",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().remove("ANTHROPIC_API_KEY");
        builder.environment().remove("SLUICE_LOG");
        builder.environment().put("POWERTOOLS_SERVICE_NAME", "sluice-local");
        builder.environment().put("AWS_EMF_ENVIRONMENT", "Local");
        builder.environment().put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private JsonNode awaitUp(Process up) throws Exception {
        Path endpoints = dir.resolve(".sluice/endpoint.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(up.isAlive())
                    .as("sluice up exited; see its log in " + dir)
                    .isTrue();
            if (Files.exists(endpoints)) {
                try {
                    JsonNode read = Json.MAPPER.readTree(endpoints.toFile());
                    // A file left by a killed run names the same API port: only an answer proves this one is up.
                    new ApiClient(URI.create(read.path("api").asText()), TENANT).get("/v1/jobs/none");
                    return read;
                } catch (IOException | RuntimeException e) {
                    // Being written, or not answering yet: try again.
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("sluice up did not start within a minute; see its log in " + dir);
    }

    private static List<String> submit(ApiClient api, int count, String question) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.Reply reply = api.post(
                    "/v1/jobs",
                    Map.of("pipeline", "rag", "input", Map.of("question", question + " " + UUID.randomUUID())));
            assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
            ids.add(reply.body().path("jobId").asText());
        }
        return ids;
    }

    private static JsonNode awaitEnd(ApiClient api, String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ApiClient.Reply reply = api.get("/v1/jobs/" + id);
        while (System.nanoTime() < deadline) {
            reply = api.get("/v1/jobs/" + id);
            if (ended(reply)) {
                return reply.body();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not end in " + timeout + "; last seen " + reply);
    }

    private static boolean ended(ApiClient.Reply job) {
        return job.status() == 200 && job.body().path("status").asText().matches("SUCCEEDED|FAILED");
    }

    private static SqsClient sqs(JsonNode endpoints) {
        return AwsClients.sqs(AwsClientSettings.local(
                URI.create(endpoints.path("sqs").asText()), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
    }

    private static String queueUrl(SqsClient sqs, QueueRole role) {
        return sqs.getQueueUrl(b -> b.queueName(QUEUES.queue(role).name())).queueUrl();
    }

    private static void awaitDrained(SqsClient sqs, String queueUrl, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (depth(sqs, queueUrl) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue " + queueUrl + " still busy after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    private static long depth(SqsClient sqs, String queueUrl) {
        return sqs
                .getQueueAttributes(r -> r.queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes()
                .values()
                .stream()
                .mapToLong(Long::parseLong)
                .sum();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

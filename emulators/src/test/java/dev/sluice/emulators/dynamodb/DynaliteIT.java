package dev.sluice.emulators.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(DynaliteExtension.class)
class DynaliteIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> listTables(URI endpoint) throws IOException, InterruptedException {
        return call(endpoint, "ListTables", "{}");
    }

    static HttpResponse<String> call(URI endpoint, String action, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + action)
                .header(
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                                + "SignedHeaders=host, Signature=0")
                .header("X-Amz-Date", "20260101T000000Z")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSharedServerAnswersDynamoDbRequestsOnLoopback(Dynalite dynalite) throws Exception {
        assertThat(dynalite.endpoint().getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> response = listTables(dynalite.endpoint());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("TableNames");
        assertThat(Dynalite.shared()).isSameAs(dynalite);
    }

    @Test
    void anOwnServerStopsOnCloseAndLeavesNoPidFile(@TempDir Path runDir) throws Exception {
        DynaliteSettings settings = settingsIn(runDir);
        Dynalite own = Dynalite.start(settings);
        ProcessHandle server = ProcessHandle.of(own.pid()).orElseThrow();
        assertThat(own.port()).isNotEqualTo(Dynalite.shared().port());
        assertThat(listTables(own.endpoint()).statusCode()).isEqualTo(200);
        own.close();
        assertThat(server.isAlive()).isFalse();
        try (var files = Files.list(runDir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aClientKilledMidRequestDoesNotTakeTheServerDown(@TempDir Path runDir) throws Exception {
        Dynalite own = Dynalite.start(settingsIn(runDir));
        try {
            for (int i = 0; i < 3; i++) {
                // Half a request body, then a reset: what the kernel does to a SIGKILLed client's sockets.
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", own.port())) {
                    socket.getOutputStream()
                            .write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
                                            + "X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"Lim")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    Thread.sleep(100);
                    socket.setSoLinger(true, 0);
                }
            }
            Thread.sleep(500);
            assertThat(own.isRunning())
                    .as("the server after three clients reset mid-request")
                    .isTrue();
            assertThat(listTables(own.endpoint()).statusCode()).isEqualTo(200);
            assertThat(own.crashLog()).doesNotExist();
        } finally {
            own.close();
        }
    }

    @Test
    void aServerThatDiesUnderItsOwnerLeavesItsLogBehind(@TempDir Path runDir) throws Exception {
        Dynalite own = Dynalite.start(settingsIn(runDir));
        try {
            ProcessHandle node = ProcessHandle.of(own.pid()).orElseThrow();
            node.destroyForcibly();
            node.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            for (int i = 0; i < 100 && !Files.exists(own.crashLog()); i++) {
                Thread.sleep(50);
            }
            assertThat(own.crashLog()).exists();
            assertThat(Files.readString(own.crashLog()))
                    .as("the server's own output, kept")
                    .isNotBlank();
        } finally {
            own.close();
        }
        // The sweep of run files leaves a crash log alone.
        Dynalite.start(settingsIn(runDir)).close();
        try (var files = Files.list(runDir)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("crashed-dynalite-"));
        }
    }

    @Test
    void anOwnServerStopsOnCloseAndLeavesNoCrashLog(@TempDir Path runDir) throws Exception {
        Dynalite own = Dynalite.start(settingsIn(runDir));
        own.close();
        Thread.sleep(200);
        assertThat(own.crashLog()).doesNotExist();
    }

    @Test
    void aServerWhoseOwnerDiedIsStoppedByTheNextStart(@TempDir Path runDir) throws Exception {
        DynaliteSettings settings = settingsIn(runDir);
        Dynalite orphan = Dynalite.start(settings);
        ProcessHandle server = ProcessHandle.of(orphan.pid()).orElseThrow();
        Path pidFile = runDir.resolve("dynalite-" + orphan.pid() + ".pid");
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        // Pretend the JVM that started it was killed: its owner is now a process that has exited.
        Files.write(pidFile, List.of(lines.get(0), lines.get(1), Long.toString(gone.pid()), "gone"));

        Dynalite next = Dynalite.start(settings);
        try {
            assertThat(server.isAlive()).isFalse();
            assertThat(pidFile).doesNotExist();
            assertThat(listTables(next.endpoint()).statusCode()).isEqualTo(200);
        } finally {
            next.close();
            orphan.close();
        }
    }

    @Test
    void aServerWithADataDirKeepsItsTablesThereAcrossRestarts(@TempDir Path dir) throws Exception {
        // Relative, as ./sluice up gives it: it means this JVM's working directory, not node's.
        Path data = Path.of("target", "dynalite-data-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        DynaliteSettings settings = settingsIn(dir.resolve("run")).withDataDir(data);
        try (Dynalite first = Dynalite.start(settings)) {
            HttpResponse<String> created = call(
                    first.endpoint(),
                    "CreateTable",
                    "{\"TableName\":\"kept\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\","
                            + "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":"
                            + "\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        }
        try (var files = Files.list(data)) {
            assertThat(files.toList()).isNotEmpty();
        }
        try (Dynalite second = Dynalite.start(settings)) {
            assertThat(listTables(second.endpoint()).body()).contains("kept");
        }
    }

    @Test
    void theServersWatchdogExitsWhenItsStdinClosesAsWhenItsJvmIsKilled() throws Exception {
        Path cli = DynaliteInstaller.ensureInstalled(DynaliteSettings.defaults().installRoot());
        Process node = new ProcessBuilder(
                        "node", "-r", DynaliteInstaller.watchdog(cli).toString(), "-e", "setInterval(() => {}, 1000)")
                .redirectErrorStream(true)
                .start();
        try {
            Thread.sleep(500);
            assertThat(node.isAlive()).isTrue();
            node.getOutputStream().close();
            assertThat(node.waitFor(5, java.util.concurrent.TimeUnit.SECONDS))
                    .as("node exited after its stdin closed")
                    .isTrue();
        } finally {
            node.destroyForcibly();
        }
    }

    private static DynaliteSettings settingsIn(Path runDir) {
        DynaliteSettings defaults = DynaliteSettings.defaults();
        return new DynaliteSettings(defaults.installRoot(), runDir, defaults.dataDir(), defaults.startTimeout());
    }
}

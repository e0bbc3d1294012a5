package dev.sluice.local.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The console over plain HTTP: untrusted values are escaped, writes are refused but the redrive, loopback only. */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class WebConsoleHttpIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
    private static LocalSluice local;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String jobId;

    @BeforeAll
    static void start() throws Exception {
        local = LocalSluice.start(new LocalSluice.Options(
                Files.createTempDirectory("sluice-console-http"),
                0,
                Duration.ofMillis(50),
                0,
                Duration.ofSeconds(5),
                5,
                10));
        ApiClient api = new ApiClient(local.api(), "http-tenant");
        assertThat(api.post("/v1/documents", DemoRun.corpus("docs")).status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
        local.simulator().configure(MODEL, ModelBehaviour.DEFAULT.withScript(HOSTILE));
        ApiClient.Reply submitted =
                api.post("/v1/jobs", Map.of("pipeline", "rag", "input", Map.of("question", "Why? " + HOSTILE)));
        assertThat(submitted.status()).isEqualTo(202);
        jobId = submitted.body().path("jobId").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!api.get("/v1/jobs/" + jobId).body().path("status").asText().matches("SUCCEEDED|FAILED")) {
            assertThat(System.nanoTime()).as("job " + jobId + " ends").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void anInputAndAnAnswerHoldingMarkupAreWrittenAsText() throws Exception {
        HttpResponse<String> page = get("/jobs/" + jobId);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
        // In the answer, the input, the rendered prompt and the raw response.
        assertThat(page.body())
                .contains(escaped)
                .doesNotContain("<script>alert")
                .doesNotContain("<img");
        assertThat(page.body().split(java.util.regex.Pattern.quote(escaped), -1).length - 1)
                .isGreaterThanOrEqualTo(3);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("script-src 'self'");
        for (String path : List.of("/", "/jobs/rows?q=" + jobId, "/dead-letters", "/pipelines", "/charts")) {
            assertThat(get(path).body())
                    .as(path)
                    .doesNotContain("<script>alert")
                    .doesNotContain("<img");
        }
    }

    @Test
    void aValueInTheAddressIsEscapedToo() throws Exception {
        HttpResponse<String> search = get("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&status=%22%3E%3Cb%3E");
        assertThat(search.body())
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>alert");
        HttpResponse<String> missing = get("/jobs/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("<script>alert");
    }

    @Test
    void everyMethodButGetAndHeadIsRefusedExceptTheRedrivePost() throws Exception {
        for (String path : List.of(
                "/", "/jobs/" + jobId, "/jobs/rows", "/dead-letters", "/pipelines", "/charts", "/static/console.js")) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
                HttpResponse<String> refused = send(method, path, Map.of());
                assertThat(refused.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(refused.headers().firstValue("Allow")).hasValue("GET, HEAD");
            }
        }
        HttpResponse<String> get = get("/dead-letters/redrive");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        // A form on another site, or a request that does not say where it comes from, cannot redrive.
        assertThat(send("POST", "/dead-letters/redrive", Map.of("Origin", "http://evil.example"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/dead-letters/redrive", Map.of()).statusCode()).isEqualTo(403);
        String self = "http://127.0.0.1:" + local.api().getPort();
        HttpResponse<String> redrive = send("POST", "/dead-letters/redrive", Map.of("Origin", self));
        assertThat(redrive.statusCode()).isEqualTo(200);
        assertThat(redrive.body()).contains("0 dead letter(s) redriven");
    }

    @Test
    void aRequestNamingAnotherHostIsRefused() throws Exception {
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), local.api().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: rebound.example:" + local.api().getPort()
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 421");
        }
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        assertThat(local.api().getHost()).isEqualTo("127.0.0.1");
        Optional<InetAddress> other = NetworkInterface.networkInterfaces()
                .filter(n -> {
                    try {
                        return n.isUp() && !n.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address)
                .findFirst();
        Assumptions.assumeTrue(other.isPresent(), "this machine has no address but loopback");
        assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other.get(), local.api().getPort()), 2000);
                    }
                })
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void theApiStillAnswersItsOwnRoutes() throws Exception {
        HttpResponse<String> job = send("GET", "/v1/jobs/" + jobId, Map.of("X-Tenant-Id", "http-tenant"));
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(job.body()).contains("\"status\":\"SUCCEEDED\"");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, Map.of());
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(local.api() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

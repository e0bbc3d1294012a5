package dev.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local API's front door over raw sockets, with what a hostile or broken client sends: every connection gets an
 * answer or is closed within seconds, never held open; what the server can answer it answers in the API's JSON.
 * The dispatcher behind it is a stand-in that reports what reached it (this is about HTTP, not the API).
 */
class ApiServerRawSocketTest {
    /** Longest a connection may be held: the production request time (10 s) and a clock tick, with margin. */
    private static final int BOUND_MILLIS = 15_000;

    static {
        // Short limits for this JVM, if no HttpServer was made in it yet (they are read once); else production's.
        // The idle interval is set to an odd value only so that the test can see which took effect.
        setIfAbsent("sun.net.httpserver.maxReqTime", "2");
        setIfAbsent("sun.net.httpserver.clockTick", "250");
        setIfAbsent("sun.net.httpserver.timerMillis", "250");
        setIfAbsent("sun.net.httpserver.idleInterval", "29");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static ApiServer server;
    private static int port;

    /** Answers 200 with what it was given; the path /boom makes it fail with words the client must not see. */
    private static final RequestStreamHandler STAND_IN = (InputStream in, OutputStream out, Context context) -> {
        JsonNode event = Json.MAPPER.readTree(in);
        if (event.path("rawPath").asText().equals("/boom")) {
            throw new IllegalStateException("secret internals: arn:aws:sqs:us-east-1:123456789012:sluice-work");
        }
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("body", event.path("body").asText());
        seen.put("isBase64Encoded", event.path("isBase64Encoded").asBoolean());
        seen.put("headers", event.path("headers").size());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("statusCode", 200);
        response.put("headers", Map.of("Content-Type", "application/json"));
        response.put("body", Json.MAPPER.writeValueAsString(seen));
        out.write(Json.MAPPER.writeValueAsBytes(response));
    };

    @BeforeAll
    static void start() throws IOException {
        server = new ApiServer(0, STAND_IN);
        port = server.endpoint().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What the client saw: a status (0 when the server closed without one), the body, and how long it took. */
    record Outcome(int status, Map<String, String> headers, String body, long millis, boolean hung) {
        JsonNode json() throws IOException {
            return Json.MAPPER.readTree(body);
        }

        @Override
        public String toString() {
            return (hung ? "HUNG" : status == 0 ? "closed" : Integer.toString(status)) + " after " + millis + " ms "
                    + headers + " " + (body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    /** Sends {@code request} (then nothing more), and reads one response or the close, up to the bound. */
    private static Outcome send(byte[] request) {
        return send(request, null);
    }

    private static Outcome send(byte[] request, byte[] thenStream) {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(BOUND_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (thenStream != null) {
                // A large body, written while the answer is read: the server may answer before it has all of it.
                Thread.ofVirtual().start(() -> {
                    try {
                        out.write(thenStream);
                        out.flush();
                    } catch (IOException ignored) {
                        // The server stopped reading and closed: expected once it has answered.
                    }
                });
            }
            return read(socket.getInputStream(), start);
        } catch (SocketTimeoutException e) {
            return new Outcome(0, Map.of(), "", elapsed(start), true);
        } catch (IOException e) {
            // Reset by the server: closed, not held.
            return new Outcome(0, Map.of(), e.toString(), elapsed(start), false);
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})[^\\r]*\\r\\n");

    private static Outcome read(InputStream in, long start) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                Matcher m = STATUS.matcher(text);
                Map<String, String> headers = new LinkedHashMap<>();
                for (String line : text.substring(0, end).split("\r\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.put(
                                line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).strip());
                    }
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                if (got.size() >= end + 4 + length) {
                    String body = new String(got.toByteArray(), end + 4, length, StandardCharsets.UTF_8);
                    return new Outcome(
                            m.lookingAt() ? Integer.parseInt(m.group(1)) : -1, headers, body, elapsed(start), false);
                }
            }
            int n = in.read(buffer);
            if (n < 0) {
                return new Outcome(0, Map.of(), got.toString(StandardCharsets.ISO_8859_1), elapsed(start), false);
            }
            got.write(buffer, 0, n);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A POST of {@code body}, whose characters are its bytes (send it with {@link #ascii}). */
    private static String post(String body) {
        return "POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    /** Whether this JVM's JDK server took the test's limits (it reports its idle interval to HTTP/1.0 clients). */
    private static boolean testLimitsInEffect() {
        Outcome probe = send(ascii("GET /v1/jobs HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        return "timeout=29".equals(probe.headers().get("keep-alive"));
    }

    @Test
    void malformedRequestsAreAnsweredOrClosedWithinSecondsNeverHeld() throws Exception {
        Map<String, byte[]> hostile = new LinkedHashMap<>();
        hostile.put("nothing at all", new byte[0]);
        hostile.put("a bare CRLF", ascii("\r\n"));
        hostile.put("blank lines only", ascii("\r\n\r\n\r\n\r\n"));
        hostile.put("LF-only lines", ascii("GET /v1/jobs HTTP/1.1\nHost: localhost\n\n"));
        hostile.put("a request line never ended", ascii("GET /v1/jobs HTTP/1.1"));
        hostile.put("a header line never ended", ascii("GET /v1/jobs HTTP/1.1\r\nHost: localhost"));
        hostile.put("a body shorter than its length", ascii("POST /v1/jobs HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"));
        hostile.put(
                "a chunked body that stops",
                ascii("POST /v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"));
        hostile.put("a TLS ClientHello", clientHello());
        hostile.put("binary noise", noise());
        hostile.put("no spaces in the request line", ascii("GARBAGE\r\n\r\n"));

        List<String> names = new ArrayList<>(hostile.keySet());
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : names) {
                outcomes.add(CompletableFuture.supplyAsync(() -> send(hostile.get(name)), pool));
            }
            for (int i = 0; i < names.size(); i++) {
                Outcome o = outcomes.get(i).get();
                assertThat(o.hung()).as("%s: %s", names.get(i), o).isFalse();
                assertThat(o.millis()).as("%s: %s", names.get(i), o).isLessThan(BOUND_MILLIS);
                assertThat(o.status()).as("%s: %s", names.get(i), o).isIn(0, 400, 408);
            }
        }
        // The server still serves after all of that.
        Outcome ok = send(ascii(post("{\"a\":1}")));
        assertThat(ok.status()).as("%s", ok).isEqualTo(200);
    }

    @Test
    void aBadChunkSizeIsA400InTheApisShape() throws Exception {
        for (String chunk : List.of("zz\r\n{}\r\n0\r\n\r\n", "-1\r\n{}\r\n0\r\n\r\n", "1".repeat(20) + "\r\n")) {
            Outcome o = send(
                    ascii("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk));
            assertThat(o.status()).as("%s: %s", chunk, o).isEqualTo(400);
            assertThat(o.json().path("error").asText()).isEqualTo("invalid_request");
            assertThat(o.json().path("field").asText()).isEqualTo("body");
            assertThat(o.json().path("message").asText()).startsWith("body: could not be read");
            assertThat(o.headers().get("connection")).isEqualTo("close");
        }
        // Valid chunks pass through whole.
        Outcome chunked = send(ascii("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n"));
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.json().path("body").asText()).isEqualTo("{\"a\":1}");
    }

    @Test
    void aBodyOverTheLimitIsA413WithoutBeingRead() throws Exception {
        // Declared too large: answered at once, though not one byte of the body is sent.
        Outcome declared = send(ascii("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (ApiServer.MAX_BODY_BYTES + 1L) + "\r\n\r\n"));
        assertThat(declared.status()).as("%s", declared).isEqualTo(413);
        assertThat(declared.json().path("error").asText()).isEqualTo("too_large");
        assertThat(declared.json().path("field").asText()).isEqualTo("body");
        assertThat(declared.millis()).isLessThan(5_000);
        Outcome absurd = send(ascii("POST /v1/jobs HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n"));
        assertThat(absurd.status()).isEqualTo(413);

        // Chunked, so no length is declared: refused once the limit is passed.
        int size = ApiServer.MAX_BODY_BYTES + 16;
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        byte[] piece = "x".repeat(65_536).getBytes(StandardCharsets.US_ASCII);
        for (int sent = 0; sent < size; sent += piece.length) {
            int n = Math.min(piece.length, size - sent);
            chunks.write(ascii(Integer.toHexString(n) + "\r\n"));
            chunks.write(piece, 0, n);
            chunks.write(ascii("\r\n"));
        }
        chunks.write(ascii("0\r\n\r\n"));
        Outcome streamed = send(
                ascii("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"),
                chunks.toByteArray());
        assertThat(streamed.status()).as("%s", streamed).isIn(413, 0);
        if (streamed.status() == 413) {
            assertThat(streamed.json().path("error").asText()).isEqualTo("too_large");
        }

        // At the limit exactly, it passes.
        String atLimit = "\"" + "y".repeat(ApiServer.MAX_BODY_BYTES - 2) + "\"";
        Outcome fits = send(ascii(post(atLimit)));
        assertThat(fits.status()).as("%s", fits).isEqualTo(200);
    }

    @Test
    void aThousandHeadersAreA431InTheApisShape() throws Exception {
        // A thousand header lines under a hundred names: within the JDK's own count, beyond API Gateway's 10240 bytes.
        StringBuilder repeated = new StringBuilder("GET /v1/jobs HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 1000; i++) {
            repeated.append("X-Header-").append(i % 100).append(": value\r\n");
        }
        Outcome o = send(ascii(repeated.append("\r\n").toString()));
        assertThat(o.status()).as("%s", o).isEqualTo(431);
        assertThat(o.json().path("error").asText()).isEqualTo("headers_too_large");
        assertThat(o.json().path("message").asText()).contains("10240");

        // A thousand distinct names: the JDK closes silently over its count unless raised, as the runtime does.
        StringBuilder distinct = new StringBuilder("GET /v1/jobs HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 1000; i++) {
            distinct.append("X-Distinct-").append(i).append(": v\r\n");
        }
        Outcome many = send(ascii(distinct.append("\r\n").toString()));
        if (testLimitsInEffect()) {
            assertThat(many.status()).as("%s", many).isEqualTo(431);
        } else {
            // This JVM made an HttpServer before the runtime's limits could be set: answered or closed, not held.
            assertThat(many.hung()).isFalse();
            assertThat(many.status()).isIn(0, 431);
        }

        // Under the limit, headers pass through.
        Outcome fine = send(ascii("GET /v1/jobs HTTP/1.1\r\nHost: localhost\r\nX-Tenant-Id: acme\r\n\r\n"));
        assertThat(fine.status()).isEqualTo(200);
    }

    @Test
    void aFailureBehindTheDoorIsA500ThatShowsNothingOfIt() throws Exception {
        Outcome o = send(ascii("GET /boom HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        assertThat(o.status()).isEqualTo(500);
        assertThat(o.json().path("error").asText()).isEqualTo("internal");
        assertThat(o.body()).doesNotContain("123456789012", "secret", "IllegalStateException");
    }

    @Test
    void aBodyThatIsNotUtf8ReachesTheDispatcherAsBase64() throws Exception {
        byte[] head = ascii("POST /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\n");
        byte[] request = new byte[head.length + 4];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, 0, request, head.length, 4);
        Outcome o = send(request);
        assertThat(o.status()).isEqualTo(200);
        assertThat(o.json().path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(o.json().path("body").asText()).isEqualTo("e8MofQ==");
        Outcome text = send(ascii(post("{\"q\":\"caf\u00c3\u00a9\"}")));
        assertThat(text.json().path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(text.json().path("body").asText()).isEqualTo("{\"q\":\"café\"}");
    }

    /** The start of a TLS 1.2 ClientHello, as a browser sends to https:// on a plain port. */
    private static byte[] clientHello() {
        byte[] hello = new byte[517];
        byte[] start = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        System.arraycopy(start, 0, hello, 0, start.length);
        java.util.Random random = new java.util.Random(7);
        for (int i = start.length; i < hello.length; i++) {
            hello[i] = (byte) random.nextInt(256);
            if (hello[i] == '\n' || hello[i] == '\r' || hello[i] == ' ') {
                hello[i] = 0x2a;
            }
        }
        return hello;
    }

    private static byte[] noise() {
        byte[] noise = new byte[4096];
        new java.util.Random(11).nextBytes(noise);
        return noise;
    }
}

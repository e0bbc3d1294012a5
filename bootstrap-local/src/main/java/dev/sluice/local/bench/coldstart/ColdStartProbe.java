package dev.sluice.local.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child side of {@code sluice bench coldstart}: in a fresh JVM on one function's artifact (and its layers),
 * constructs one handler (what Lambda's init phase does) and invokes it once, and writes the durations and where
 * init's time went to a file.
 *
 * <p>Arguments: handler class, event kind ({@code stream} | {@code sqs} | {@code apigw}), event file, result file.
 * The event is read before the clock starts and the event object is built between init and invoke, as Lambda's
 * runtime does; neither is counted. Class loading is read from HotSpot's own counters ({@code sun.cls.*}, what
 * {@code jstat -class} prints), before and after init.
 */
public final class ColdStartProbe {
    private ColdStartProbe() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        long mainEnteredEpochMs = System.currentTimeMillis();
        String handlerClass = args[0];
        String kind = args[1];
        byte[] event = Files.readAllBytes(Path.of(args[2]));
        Path result = Path.of(args[3]);
        Context context = new FunctionContext(
                handlerClass.substring(handlerClass.lastIndexOf('.') + 1), "coldstart-probe", "probe", 60_000);
        ClassCounters counters = new ClassCounters();
        Map<String, Long> before = counters.read();

        long t0 = System.nanoTime();
        Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        long t1 = System.nanoTime();
        Map<String, Long> after = counters.read();

        Object input = switch (kind) {
            case "sqs" -> sqsEvent(new String(event, StandardCharsets.UTF_8));
            case "apigw" -> apiGatewayEvent(new String(event, StandardCharsets.UTF_8));
            default -> new ByteArrayInputStream(event);
        };
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        long t2 = System.nanoTime();
        Object answer;
        if (handler instanceof RequestStreamHandler stream) {
            stream.handleRequest((ByteArrayInputStream) input, output, context);
            answer = output.toString(StandardCharsets.UTF_8);
        } else {
            answer = ((RequestHandler) handler).handleRequest(input, context);
        }
        long t3 = System.nanoTime();

        Map<String, String> breakdown = new LinkedHashMap<>();
        breakdown.put(
                "classes",
                Long.toString(after.get("sun.cls.appClassLoadCount")
                        - before.get("sun.cls.appClassLoadCount")
                        + after.get("java.cls.sharedLoadedClasses")
                        - before.get("java.cls.sharedLoadedClasses")));
        breakdown.put("classLoadingMs", millis(after, before, "sun.cls.time", counters.ticksPerMs()));
        breakdown.put("staticInitMs", millis(after, before, "sun.cls.classInitTime.self", counters.ticksPerMs()));
        sluicePhases().forEach((phase, ms) -> breakdown.put("phase." + phase, String.format("%.1f", ms)));

        String summary = String.valueOf(answer).replace('\n', ' ');
        StringBuilder line = new StringBuilder();
        breakdown.forEach((k, v) -> line.append(k).append('=').append(v).append(' '));
        Files.writeString(
                result,
                mainEnteredEpochMs + " " + (t1 - t0) + " " + (t3 - t2) + "\n"
                        + summary.substring(0, Math.min(300, summary.length())) + "\n"
                        + line.toString().strip()
                        + "\n");
        System.exit(0);
    }

    private static String millis(Map<String, Long> after, Map<String, Long> before, String name, double ticksPerMs) {
        return String.format("%.1f", (after.get(name) - before.get(name)) / ticksPerMs);
    }

    /** The phases a sluice handler recorded ({@code InitPhases}); none for the peer, which has no such class. */
    @SuppressWarnings("unchecked")
    private static Map<String, Double> sluicePhases() {
        try {
            return (Map<String, Double>) Class.forName("dev.sluice.bootstrap.shared.InitPhases")
                    .getMethod("last")
                    .invoke(null);
        } catch (ClassNotFoundException e) {
            return Map.of();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the handler's init phases", e);
        }
    }

    /**
     * HotSpot's class-loading counters of this JVM, read through its own performance data ({@code jdk.internal.jvmstat},
     * which the bench exports to the probe with {@code --add-exports}; reflection, since {@code --release} builds
     * cannot name it).
     */
    private static final class ClassCounters {
        private static final List<String> NAMES = List.of(
                "sun.cls.time",
                "sun.cls.classInitTime.self",
                "sun.cls.appClassLoadCount",
                "java.cls.sharedLoadedClasses",
                "sun.os.hrt.frequency");
        private final Object vm;
        private final java.lang.reflect.Method findByName;
        private final java.lang.reflect.Method getValue;

        ClassCounters() throws Exception {
            Class<?> hostClass = Class.forName("sun.jvmstat.monitor.MonitoredHost");
            Object host = hostClass.getMethod("getMonitoredHost", String.class).invoke(null, "localhost");
            Class<?> idClass = Class.forName("sun.jvmstat.monitor.VmIdentifier");
            Object id = idClass.getConstructor(String.class)
                    .newInstance(Long.toString(ProcessHandle.current().pid()));
            vm = hostClass.getMethod("getMonitoredVm", idClass).invoke(host, id);
            findByName = Class.forName("sun.jvmstat.monitor.MonitoredVm").getMethod("findByName", String.class);
            getValue = Class.forName("sun.jvmstat.monitor.Monitor").getMethod("getValue");
            read();
        }

        Map<String, Long> read() throws Exception {
            Map<String, Long> values = new LinkedHashMap<>();
            for (String name : NAMES) {
                Object m = findByName.invoke(vm, name);
                values.put(name, m == null ? 0L : ((Number) getValue.invoke(m)).longValue());
            }
            return values;
        }

        double ticksPerMs() throws Exception {
            return read().get("sun.os.hrt.frequency") / 1000.0;
        }
    }

    private static SQSEvent sqsEvent(String body) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("coldstart-probe-1");
        record.setReceiptHandle("coldstart-probe-1");
        record.setBody(body);
        record.setEventSource("aws:sqs");
        record.setEventSourceArn("arn:aws:sqs:local:000000000000:sluice-local-work");
        record.setAwsRegion("local");
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        record.setMessageAttributes(Map.of());
        SQSEvent sqs = new SQSEvent();
        sqs.setRecords(List.of(record));
        return sqs;
    }

    /** The peer's event: the same GET the dispatcher answers, as the events library models it. */
    private static APIGatewayV2HTTPEvent apiGatewayEvent(String path) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("GET /v1/jobs/{id}")
                .withRawPath(path.strip())
                .withRawQueryString("")
                .withHeaders(Map.of("accept", "application/json"))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("GET")
                                .withPath(path.strip())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1")
                                .build())
                        .withRequestId("coldstart")
                        .build())
                .withIsBase64Encoded(false)
                .build();
    }
}

package dev.sluice.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child side of {@code sluice bench coldstart}: in a fresh JVM on the Lambda zip's classpath, constructs one
 * handler (what Lambda's init phase does) and invokes it once, and writes the two durations to a file.
 *
 * <p>Arguments: handler class, event kind ({@code stream} | {@code sqs} | {@code map}), event file, result file.
 * The event is read before the clock starts and the event object is built between init and invoke, as Lambda's
 * runtime does; neither is counted.
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
        Context context = new ProbeContext(handlerClass.substring(handlerClass.lastIndexOf('.') + 1));

        long t0 = System.nanoTime();
        Object handler = Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        long t1 = System.nanoTime();

        Object input = switch (kind) {
            case "sqs" -> sqsEvent(new String(event, StandardCharsets.UTF_8));
            case "map" -> Map.of("name", new String(event, StandardCharsets.UTF_8));
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

        String summary = String.valueOf(answer).replace('\n', ' ');
        Files.writeString(
                result,
                mainEnteredEpochMs + " " + (t1 - t0) + " " + (t3 - t2) + "\n"
                        + summary.substring(0, Math.min(300, summary.length())) + "\n");
        System.exit(0);
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
}

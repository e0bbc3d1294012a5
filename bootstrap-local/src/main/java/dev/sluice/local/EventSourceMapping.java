package dev.sluice.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.local.bench.coldstart.FunctionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Polls a queue and invokes a handler the way Lambda's SQS event source mapping does: batches of up to
 * {@code batchSize} gathered for up to {@code batchingWindow}, at most {@code maxConcurrency} batches in flight, a
 * real {@link SQSEvent} per invocation, successful records deleted, failed ones left to reappear after the queue's
 * visibility timeout (and move to the dead-letter queue after its maxReceiveCount). Also the container worker.
 */
public final class EventSourceMapping implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EventSourceMapping.class);

    /** How to poll and invoke. */
    public record Options(
            String functionName, int batchSize, Duration batchingWindow, int maxConcurrency, Duration timeout) {}

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final Options options;
    private final BiFunction<SQSEvent, Context, SQSBatchResponse> handler;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public EventSourceMapping(
            SqsClient sqs, String queueUrl, Options options, BiFunction<SQSEvent, Context, SQSBatchResponse> handler) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = "arn:aws:sqs:local:000000000000:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        this.options = options;
        this.handler = handler;
        // One poller per concurrent batch: at most maxConcurrency invocations are ever in flight.
        for (int i = 0; i < options.maxConcurrency(); i++) {
            threads.submit(this::pollLoop);
        }
    }

    private void pollLoop() {
        while (running.get()) {
            try {
                List<Message> batch = gather();
                if (batch.isEmpty() || !running.get()) {
                    continue;
                }
                invoke(batch);
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.warn("polling {} failed: {}", options.functionName(), e.toString());
                    sleep(Duration.ofMillis(500));
                }
            }
        }
    }

    /** Long-polls, then keeps collecting for the batching window until the batch is full. */
    private List<Message> gather() {
        List<Message> batch = new ArrayList<>();
        long windowEnds = System.nanoTime() + options.batchingWindow().toNanos();
        do {
            int wanted = Math.min(10, options.batchSize() - batch.size());
            ReceiveMessageResponse response = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                    .maxNumberOfMessages(wanted)
                    .waitTimeSeconds(batch.isEmpty() ? 1 : 0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"));
            batch.addAll(response.messages());
            if (response.messages().isEmpty() && !batch.isEmpty()) {
                sleep(Duration.ofMillis(20));
            }
        } while (!batch.isEmpty()
                && batch.size() < options.batchSize()
                && System.nanoTime() < windowEnds
                && running.get());
        return batch;
    }

    private void invoke(List<Message> batch) {
        SQSEvent event = new SQSEvent();
        event.setRecords(batch.stream().map(this::record).toList());
        invocations.incrementAndGet();
        records.addAndGet(batch.size());
        Set<String> failed = new HashSet<>();
        try {
            SQSBatchResponse response = handler.apply(
                    event,
                    FunctionContext.local(
                            options.functionName(), options.timeout().toMillis()));
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
            }
        } catch (RuntimeException e) {
            // A handler that throws fails the whole batch, as on Lambda.
            LOG.error("{} failed its whole batch of {}", options.functionName(), batch.size(), e);
            batch.forEach(m -> failed.add(m.messageId()));
        }
        failures.addAndGet(failed.size());
        List<DeleteMessageBatchRequestEntry> done = batch.stream()
                .filter(m -> !failed.contains(m.messageId()))
                .map(m -> DeleteMessageBatchRequestEntry.builder()
                        .id(m.messageId())
                        .receiptHandle(m.receiptHandle())
                        .build())
                .toList();
        // SQS deletes at most 10 entries per request; a batch may hold more (with a batching window, as Lambda's).
        for (int from = 0; from < done.size(); from += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = done.subList(from, Math.min(done.size(), from + 10));
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(chunk));
        }
    }

    private SQSEvent.SQSMessage record(Message m) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(m.messageId());
        record.setReceiptHandle(m.receiptHandle());
        record.setBody(m.body());
        record.setMd5OfBody(m.md5OfBody());
        record.setEventSource("aws:sqs");
        record.setEventSourceArn(queueArn);
        record.setAwsRegion("local");
        Map<String, String> attributes = new HashMap<>();
        m.attributesAsStrings().forEach(attributes::put);
        record.setAttributes(attributes);
        Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
        m.messageAttributes().forEach((name, value) -> messageAttributes.put(name, attribute(value)));
        record.setMessageAttributes(messageAttributes);
        return record;
    }

    private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
        SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
        a.setDataType(value.dataType());
        a.setStringValue(value.stringValue());
        return a;
    }

    public long invocations() {
        return invocations.get();
    }

    public long records() {
        return records.get();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        running.set(false);
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

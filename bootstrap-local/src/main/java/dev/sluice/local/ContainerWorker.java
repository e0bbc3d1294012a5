package dev.sluice.local;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.bootstrap.finalizer.FinalizerHandler;
import dev.sluice.bootstrap.ingestor.IngestorHandler;
import dev.sluice.bootstrap.processor.ProcessorHandler;
import dev.sluice.bootstrap.shared.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The container path (ECS Fargate): the same handler classes as the Lambda functions, fed by the same pollers the
 * local runtime uses, against the real queues named in the functions' environment variables.
 */
final class ContainerWorker {
    private ContainerWorker() {}

    static int run() throws InterruptedException {
        Settings settings = Settings.fromEnvironment();
        int concurrency = settings.workerConcurrency();
        SqsClient sqs = AwsClients.sqs(new AwsClientSettings(
                settings.region(),
                settings.endpoints().sqs(),
                Optional.empty(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30)));
        ProcessorHandler processor = new ProcessorHandler();
        FinalizerHandler finalizer = new FinalizerHandler();
        IngestorHandler ingestor = new IngestorHandler();
        List<EventSourceMapping> pollers = List.of(
                new EventSourceMapping(
                        sqs,
                        settings.workQueueUrl(),
                        new EventSourceMapping.Options(
                                "processor", 10, Duration.ofMillis(200), concurrency, Duration.ofSeconds(60)),
                        processor::handleRequest),
                new EventSourceMapping(
                        sqs,
                        settings.finalizeQueueUrl(),
                        new EventSourceMapping.Options(
                                "finalizer", 10, Duration.ofMillis(200), 2, Duration.ofSeconds(30)),
                        finalizer::handleRequest),
                new EventSourceMapping(
                        sqs,
                        settings.ingestQueueUrl(),
                        new EventSourceMapping.Options("ingestor", 1, Duration.ZERO, 1, Duration.ofSeconds(150)),
                        ingestor::handleRequest));
        CountDownLatch stop = new CountDownLatch(1);
        // ECS sends SIGTERM and waits: stop polling, let in-flight batches finish, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pollers.forEach(EventSourceMapping::close);
            stop.countDown();
        }));
        System.out.println(
                "sluice worker polling " + settings.workQueueUrl() + " with " + concurrency + " concurrent batches");
        stop.await();
        return 0;
    }
}

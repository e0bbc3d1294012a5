package dev.sluice.local;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.bootstrap.console.DeadLetterQueues;
import dev.sluice.domain.model.Envelope;
import dev.sluice.emulators.s3.S3ProxyServer;
import java.net.URI;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./sluice redrive} and the local console's redrive: {@link DeadLetterQueues#redrive}, with each job's retry
 * asked of the running API ({@code POST /v1/jobs/{id}/retry} as the job's tenant). A retry the API refuses leaves
 * the dead letter where it is; a job the API no longer knows (404) lets it go.
 */
public final class Redriver {
    private Redriver() {}

    /**
     * The work, finalize and ingest routes of a running {@code sluice up}, from its endpoint file's keys
     * ({@code workDlq}, {@code workQueue}, ...).
     */
    public static List<DeadLetterQueues.Route> routes(Function<String, String> endpointKey) {
        return List.of("work", "finalize", "ingest").stream()
                .map(q -> new DeadLetterQueues.Route(q, endpointKey.apply(q + "Dlq"), endpointKey.apply(q + "Queue")))
                .toList();
    }

    /**
     * @param retry posts {@code /v1/jobs/{id}/retry} as the job's tenant and returns the API's reply
     */
    public static List<String> redrive(
            URI sqsEndpoint, List<DeadLetterQueues.Route> routes, Function<Envelope, ApiClient.Reply> retry) {
        try (SqsClient sqs = AwsClients.sqs(
                AwsClientSettings.local(sqsEndpoint, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))) {
            return redrive(new DeadLetterQueues(sqs, routes), retry);
        }
    }

    public static List<String> redrive(DeadLetterQueues queues, Function<Envelope, ApiClient.Reply> retry) {
        return queues.redrive(envelope -> {
            ApiClient.Reply reply = retry.apply(envelope);
            if (!reply.ok() && reply.status() != 404) {
                return new DeadLetterQueues.Retried(false, "retry answered " + reply.status() + " " + reply.body());
            }
            return new DeadLetterQueues.Retried(
                    true, reply.body().path("message").asText());
        });
    }
}

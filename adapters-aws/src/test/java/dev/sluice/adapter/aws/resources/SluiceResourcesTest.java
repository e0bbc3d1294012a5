package dev.sluice.adapter.aws.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.domain.model.JobId;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SluiceResourcesTest {
    private final SluiceResources resources = SluiceResources.of(ResourceSettings.defaults("sluice-dev"));

    @Test
    void threeQueuesEachWithADeadLetterQueueDefinedBeforeIt() {
        assertThat(resources.queues())
                .extracting(QueueDefinition::name)
                .containsExactly(
                        "sluice-dev-work-dlq",
                        "sluice-dev-work",
                        "sluice-dev-finalize-dlq",
                        "sluice-dev-finalize",
                        "sluice-dev-ingest-dlq",
                        "sluice-dev-ingest");
        for (QueueRole role : QueueRole.values()) {
            assertThat(resources.queue(role).redrive())
                    .contains(new RedrivePolicy(resources.deadLetterQueue(role).name(), 5));
            assertThat(resources.deadLetterQueue(role).redrive()).isEmpty();
        }
    }

    @Test
    void theWorkQueuesAttributesAreWhatSqsTakes() {
        assertThat(resources.queue(QueueRole.WORK).sqsAttributes(Optional.of("arn:aws:sqs:eu-west-1:1:dlq")))
                .containsEntry("VisibilityTimeout", "360")
                .containsEntry("MaximumMessageSize", "1048576")
                .containsEntry("MessageRetentionPeriod", "345600")
                .containsEntry("DelaySeconds", "0")
                .containsEntry(
                        "RedrivePolicy",
                        "{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:1:dlq\",\"maxReceiveCount\":5}");
    }

    @Test
    void aRedrivingQueueNeedsItsDeadLetterArn() {
        assertThatThrownBy(() -> resources.queue(QueueRole.INGEST).sqsAttributes(Optional.empty()))
                .hasMessageContaining("sluice-dev-ingest-dlq");
    }

    @Test
    void claimCheckedPayloadsOutliveEveryMessage() {
        assertThat(resources.bucket().name()).isEqualTo("sluice-dev-data");
        assertThat(resources.bucket().payloadExpiry()).isGreaterThan(SluiceResources.DEAD_LETTER_RETENTION);
    }

    @Test
    void theBucketLayoutIsTheRuntimeContracts() {
        JobId job = new JobId("job_1");
        assertThat(BucketDefinition.resultKey(job)).isEqualTo("jobs/job_1/result");
        assertThat(BucketDefinition.traceKey(job, 3)).isEqualTo("traces/job_1/hop-3.json");
        assertThat(BucketDefinition.PAYLOADS).isEqualTo("payloads/");
        assertThat(BucketDefinition.INDEXES).isEqualTo("indexes/");
    }

    @Test
    void sqsLimitsAreEnforcedWhenDefining() {
        ResourceSettings defaults = ResourceSettings.defaults("s");
        assertThatThrownBy(() -> SluiceResources.of(new ResourceSettings(
                        "s",
                        "s-data",
                        5,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(30),
                        2_000_000)))
                .hasMessageContaining("'maximumMessageBytes' must be between 262144 and 1048576");
        assertThatThrownBy(() -> SluiceResources.of(defaults.withWorkVisibility(Duration.ofHours(13))))
                .hasMessageContaining("'visibilityTimeout'");
        assertThatThrownBy(() -> SluiceResources.of(defaults.withMaxReceiveCount(0)))
                .hasMessageContaining("'maxReceiveCount'");
        assertThatThrownBy(() -> new BucketDefinition("Not_A_Bucket", Duration.ofDays(15)))
                .hasMessageContaining("'name'");
    }
}

package dev.sluice.adapter.aws.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.aws.AwsClientSettings;
import dev.sluice.adapter.aws.AwsClients;
import dev.sluice.emulators.s3.S3ProxyExtension;
import dev.sluice.emulators.s3.S3ProxyServer;
import dev.sluice.emulators.sqs.ElasticMq;
import dev.sluice.emulators.sqs.ElasticMqExtension;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith({ElasticMqExtension.class, S3ProxyExtension.class})
class ResourceProvisionerIT {
    private static SqsClient sqs;
    private static S3Client s3;

    @BeforeAll
    static void connect(ElasticMq elasticMq, S3ProxyServer s3Proxy) {
        sqs = AwsClients.sqs(AwsClientSettings.local(elasticMq.endpoint(), "test", "test"));
        s3 = AwsClients.s3(
                AwsClientSettings.local(s3Proxy.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
    }

    @AfterAll
    static void disconnect() {
        sqs.close();
        s3.close();
    }

    private static Map<QueueAttributeName, String> attributesOf(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes();
    }

    @Test
    void createsEveryQueueAsDefinedAndTheBucket() {
        String prefix = "prov-" + UUID.randomUUID().toString().substring(0, 8);
        SluiceResources resources = SluiceResources.of(ResourceSettings.defaults(prefix));

        ProvisionedResources provisioned = new ResourceProvisioner(sqs, s3).provision(resources);

        assertThat(provisioned.queueUrls()).hasSize(6);
        Map<QueueAttributeName, String> work = attributesOf(provisioned.queueUrl(resources.queue(QueueRole.WORK)));
        assertThat(work.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("360");
        assertThat(work.get(QueueAttributeName.DELAY_SECONDS)).isEqualTo("0");
        String deadLetterArn = attributesOf(provisioned.queueUrl(resources.deadLetterQueue(QueueRole.WORK)))
                .get(QueueAttributeName.QUEUE_ARN);
        assertThat(work.get(QueueAttributeName.REDRIVE_POLICY))
                .contains(deadLetterArn)
                .contains("\"maxReceiveCount\":5");
        // ElasticMQ neither reports nor enforces MaximumMessageSize and MessageRetentionPeriod: the attributes sent
        // for them are checked in SluiceResourcesTest.
        assertThat(s3.headBucket(b -> b.bucket(prefix + "-data"))
                        .sdkHttpResponse()
                        .isSuccessful())
                .isTrue();
    }

    @Test
    void provisioningAgainKeepsWhatExistsAndAppliesChangedSettings() {
        String prefix = "again-" + UUID.randomUUID().toString().substring(0, 8);
        ResourceProvisioner provisioner = new ResourceProvisioner(sqs, s3);
        ProvisionedResources first = provisioner.provision(SluiceResources.of(ResourceSettings.defaults(prefix)));
        s3.putObject(
                b -> b.bucket(prefix + "-data").key("kept"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("x"));

        SluiceResources changed =
                SluiceResources.of(ResourceSettings.defaults(prefix).withMaxReceiveCount(3));
        ProvisionedResources second = provisioner.provision(changed);

        assertThat(second.queueUrls()).isEqualTo(first.queueUrls());
        assertThat(attributesOf(second.queueUrl(changed.queue(QueueRole.WORK))).get(QueueAttributeName.REDRIVE_POLICY))
                .contains("\"maxReceiveCount\":3");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(prefix + "-data").key("kept"))
                        .asUtf8String())
                .isEqualTo("x");
    }
}

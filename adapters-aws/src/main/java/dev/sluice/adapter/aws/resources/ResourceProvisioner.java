package dev.sluice.adapter.aws.resources;

import dev.sluice.adapter.aws.internal.AwsFailures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates {@link SluiceResources} on an SQS and S3 endpoint (the local stand-ins), idempotently: existing queues
 * get the defined attributes, an existing bucket is kept. In AWS, Pulumi does this instead.
 */
public final class ResourceProvisioner {
    private final SqsClient sqs;
    private final S3Client s3;

    public ResourceProvisioner(SqsClient sqs, S3Client s3) {
        this.sqs = sqs;
        this.s3 = s3;
    }

    public ProvisionedResources provision(SluiceResources resources) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (QueueDefinition queue : resources.queues()) {
            Optional<String> deadLetterArn = queue.redrive().map(r -> arnOf(urlOf(urls, r.deadLetterQueueName())));
            urls.put(queue.name(), createQueue(queue, toSdk(queue.sqsAttributes(deadLetterArn))));
        }
        createBucket(resources.bucket().name());
        return new ProvisionedResources(urls, resources.bucket().name());
    }

    private static String urlOf(Map<String, String> urls, String name) {
        String url = urls.get(name);
        if (url == null) {
            throw new IllegalArgumentException("dead-letter queue '" + name + "' must be defined before its source");
        }
        return url;
    }

    private String createQueue(QueueDefinition queue, Map<QueueAttributeName, String> attributes) {
        try {
            return sqs.createQueue(b -> b.queueName(queue.name()).attributes(attributes))
                    .queueUrl();
        } catch (QueueNameExistsException e) {
            // It exists with other attributes (an earlier definition): bring it in line.
            String url = sqs.getQueueUrl(b -> b.queueName(queue.name())).queueUrl();
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
            return url;
        } catch (SdkException e) {
            throw AwsFailures.classify("create queue " + queue.name(), e);
        }
    }

    private String arnOf(String queueUrl) {
        try {
            return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
        } catch (SdkException e) {
            throw AwsFailures.classify("read the ARN of " + queueUrl, e);
        }
    }

    private void createBucket(String bucket) {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // Provisioning again is a no-op.
        } catch (SdkException e) {
            throw AwsFailures.classify("create bucket " + bucket, e);
        }
    }

    private static Map<QueueAttributeName, String> toSdk(Map<String, String> attributes) {
        Map<QueueAttributeName, String> out = new LinkedHashMap<>();
        attributes.forEach((k, v) -> out.put(QueueAttributeName.fromValue(k), v));
        return out;
    }
}

package dev.sluice.adapter.aws.resources;

import java.util.Map;
import java.util.Objects;

/** The URLs of provisioned queues by name, and the bucket's name. */
public record ProvisionedResources(Map<String, String> queueUrls, String bucket) {
    public ProvisionedResources {
        queueUrls = Map.copyOf(queueUrls);
        Objects.requireNonNull(bucket, "'bucket' must not be null");
    }

    public String queueUrl(QueueDefinition queue) {
        String url = queueUrls.get(queue.name());
        if (url == null) {
            throw new IllegalArgumentException("queue '" + queue.name() + "' was not provisioned");
        }
        return url;
    }
}

package dev.sluice.domain.model;

import java.util.UUID;

/** Identity of a batch of jobs submitted together. */
public record BatchId(String value) {
    public BatchId {
        Ids.require(value, "batchId", 64);
    }

    public static BatchId random() {
        return new BatchId("bat_" + UUID.randomUUID().toString().replace("-", ""));
    }

    public static BatchId forKey(TenantId tenant, String key) {
        return new BatchId(
                "bat_" + Hashes.sha256Hex(tenant.value(), "batch", key).substring(0, 32));
    }

    @Override
    public String toString() {
        return value;
    }
}

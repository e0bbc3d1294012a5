package dev.sluice.domain.model;

import java.util.UUID;

/** Identity of a job; opaque to clients. */
public record JobId(String value) {
    public JobId {
        Ids.require(value, "jobId", 64);
    }

    public static JobId random() {
        return new JobId("job_" + UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * The id of the job submitted by {@code tenant} with idempotency key {@code key}: the same pair always gives the
     * same id, so a create-if-absent on the id is an idempotent submission.
     */
    public static JobId forKey(TenantId tenant, String scope, String key) {
        return new JobId("job_" + Hashes.sha256Hex(tenant.value(), scope, key).substring(0, 32));
    }

    @Override
    public String toString() {
        return value;
    }
}

package dev.sluice.adapter.aws.resources;

import dev.sluice.adapter.aws.resources.TableDefinition.Billing;
import dev.sluice.adapter.aws.resources.TableDefinition.Key;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DynamoDB tables of one sluice environment: jobs and batches, the completion cache and the rate-limit windows.
 * Names are {@code sluice-<table>} plus {@code -<environment>} when one is given.
 */
public record SluiceTables(String environment) {
    /** Partition key of every sluice table (a string). */
    public static final String PARTITION_KEY = "pk";

    /** Epoch-seconds attribute AWS deletes expired items by; reads must still filter, as deletion lags. */
    public static final String TTL_ATTRIBUTE = "expiresAt";

    public SluiceTables {
        Objects.requireNonNull(environment, "'environment' must not be null");
        if (!environment.matches("[A-Za-z0-9_.-]{0,64}")) {
            throw new IllegalArgumentException(
                    "'environment' may contain only letters, digits and . _ - (got '" + environment + "')");
        }
    }

    /** The jobs table's index of jobs by month of creation, newest first: what an operator's list of jobs reads. */
    public static final String RECENT_INDEX = "recent";

    /** The index's partition key: {@code JOBS#<yyyy-MM>#<shard>}, set once when a job is created. */
    public static final String LISTED_IN = "listedIn";

    /** The index's sort key: the job's creation time, epoch seconds. */
    public static final String CREATED_AT = "createdAt";

    /**
     * Jobs ({@code JOB#<id>}) and batches ({@code BATCH#<id>}); nothing expires. Reads are by key, except an
     * operator's list of the newest jobs, which queries the {@link #RECENT_INDEX} (keys only: it is written when a job
     * is created, never when the job moves on).
     */
    public TableDefinition jobs() {
        return table(
                "jobs",
                Optional.empty(),
                List.of(new TableDefinition.GlobalIndex(
                        RECENT_INDEX,
                        Key.string(LISTED_IN),
                        Optional.of(Key.number(CREATED_AT)),
                        TableDefinition.Projection.KEYS_ONLY)));
    }

    /** Completion cache entries by hash of model, parameters and prompt, expiring by TTL. */
    public TableDefinition cache() {
        return table("cache", Optional.of(TTL_ATTRIBUTE), List.of());
    }

    /** One item per limiter key and window, expiring by TTL a while after its window ends. */
    public TableDefinition limits() {
        return table("limits", Optional.of(TTL_ATTRIBUTE), List.of());
    }

    public List<TableDefinition> all() {
        return List.of(jobs(), cache(), limits());
    }

    private TableDefinition table(String table, Optional<String> ttl, List<TableDefinition.GlobalIndex> indexes) {
        String name = "sluice-" + table + (environment.isEmpty() ? "" : "-" + environment);
        return new TableDefinition(name, Key.string(PARTITION_KEY), Optional.empty(), indexes, ttl, Billing.ON_DEMAND);
    }
}

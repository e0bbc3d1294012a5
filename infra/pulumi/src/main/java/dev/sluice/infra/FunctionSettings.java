package dev.sluice.infra;

import java.util.Optional;

/**
 * One function's sizing and, for queue consumers, its event source mapping.
 *
 * @param batchSize messages per invocation (SQS: 1-10 without a batching window)
 * @param batchingWindowSeconds how long the mapping gathers a batch; adds to the queue's visibility timeout
 * @param maxConcurrency the mapping's MaximumConcurrency when set (2-1000); for the processor it is derived from the
 *     model limits when absent (see {@link Concurrency})
 * @param reservedConcurrency the function's reserved concurrency when set: a hard cap on instances, which the
 *     ingestor needs (1) when it writes the embedded Lucene index, whose snapshot takes one writer at a time
 */
record FunctionSettings(
        FunctionRole role,
        int memoryMb,
        int timeoutSeconds,
        int provisionedConcurrency,
        int batchSize,
        int batchingWindowSeconds,
        Optional<Integer> maxConcurrency,
        Optional<Integer> reservedConcurrency) {

    FunctionSettings {
        if (timeoutSeconds < 1 || timeoutSeconds > 900) {
            throw new IllegalArgumentException(
                    role.key() + ".timeout: must be 1-900 seconds (got " + timeoutSeconds + ")");
        }
        if (memoryMb < 128 || memoryMb > 10240) {
            throw new IllegalArgumentException(role.key() + ".memory: must be 128-10240 MB (got " + memoryMb + ")");
        }
        if (role == FunctionRole.DISPATCHER && timeoutSeconds > 29) {
            throw new IllegalArgumentException(
                    "dispatcher.timeout: API Gateway waits at most 30 s, so at most 29 (got " + timeoutSeconds + ")");
        }
        if (batchSize < 1 || batchSize > 10_000 || (batchingWindowSeconds == 0 && batchSize > 10)) {
            throw new IllegalArgumentException(
                    role.key() + ".batchSize: 1-10, or up to 10000 with a batching window (got " + batchSize + ")");
        }
        if (batchingWindowSeconds < 0 || batchingWindowSeconds > 300) {
            throw new IllegalArgumentException(role.key() + ".batchingWindow: must be 0-300 seconds");
        }
        maxConcurrency.ifPresent(c -> {
            if (c < 2 || c > 1000) {
                throw new IllegalArgumentException(role.key() + ".maxConcurrency: SQS allows 2-1000 (got " + c + ")");
            }
        });
        reservedConcurrency.ifPresent(c -> {
            if (c < 0) {
                throw new IllegalArgumentException(role.key() + ".reservedConcurrency: must not be negative");
            }
        });
    }

    FunctionSettings withTimeout(int seconds) {
        return new FunctionSettings(
                role,
                memoryMb,
                seconds,
                provisionedConcurrency,
                batchSize,
                batchingWindowSeconds,
                maxConcurrency,
                reservedConcurrency);
    }

    /**
     * Defaults per function, then whatever {@code sluice:functions.<name>} overrides; with the embedded Lucene store
     * the ingestor's reserved concurrency of 1 is not negotiable.
     */
    static FunctionSettings from(FunctionRole role, Tree overrides, String vectorStore) {
        FunctionSettings d = defaults(role, vectorStore);
        Tree t = overrides.get(role.key());
        Optional<Integer> reserved = t.integer("reservedConcurrency").or(d::reservedConcurrency);
        if (d.reservedConcurrency.isPresent()
                && role == FunctionRole.INGESTOR
                && !reserved.equals(d.reservedConcurrency)) {
            throw new IllegalArgumentException("ingestor.reservedConcurrency: must be 1 with vectorStore lucene (one"
                    + " writer of the embedded index and its snapshot at a time), got " + reserved.orElseThrow());
        }
        return new FunctionSettings(
                role,
                t.integer("memory").orElse(d.memoryMb),
                t.integer("timeout").orElse(d.timeoutSeconds),
                t.integer("provisionedConcurrency").orElse(d.provisionedConcurrency),
                t.integer("batchSize").orElse(d.batchSize),
                t.integer("batchingWindow").orElse(d.batchingWindowSeconds),
                t.integer("maxConcurrency").or(d::maxConcurrency),
                reserved);
    }

    static FunctionSettings defaults(FunctionRole role, String vectorStore) {
        if (role == FunctionRole.INGESTOR && vectorStore.equals("lucene")) {
            // The embedded index is a snapshot in S3 that each ingest reads, changes and writes back: one instance
            // at a time (reserved concurrency 1), else concurrent ingests overwrite each other's documents. SQS
            // mappings take MaximumConcurrency 2 at the least; 2 keeps the pollers from piling throttled invokes on
            // the one instance. Its records run one after another, so a batch gathers for 10 s, holds up to 10 and
            // gets the longest timeout.
            return new FunctionSettings(role, 2048, 900, 0, 10, 10, Optional.of(2), Optional.of(1));
        }
        return defaults(role);
    }

    static FunctionSettings defaults(FunctionRole role) {
        return switch (role) {
            // Answers API calls: small and quick; API Gateway gives up after 30 s.
            case DISPATCHER -> new FunctionSettings(role, 1024, 15, 0, 1, 0, Optional.empty(), Optional.empty());
            // One model call per message, a batch in parallel on virtual threads. An invocation waits on the model
            // once for the whole batch, so its calls share the billed seconds: 50 at a time, gathered for up to a
            // second (SQS needs a window above 10), pay about 40% less each than batches of 20 (`./sluice bench
            // cost`). A hop waits at most that second for company. The timeout is replaced by the longest hop's
            // budget (StackSettings).
            case PROCESSOR -> new FunctionSettings(role, 1024, 120, 0, 50, 1, Optional.empty(), Optional.empty());
            case FINALIZER -> new FunctionSettings(role, 512, 30, 0, 10, 1, Optional.empty(), Optional.empty());
            // Run by its schedule: uploads a window's file, reads ended batches' results onto their lines.
            case BATCHER -> new FunctionSettings(role, 1024, 300, 0, 1, 0, Optional.empty(), Optional.empty());
            // Local ONNX embeddings want memory (and the CPU that comes with it); embedding batches are slow.
            case INGESTOR -> new FunctionSettings(role, 2048, 300, 0, 4, 5, Optional.of(5), Optional.empty());
        };
    }
}

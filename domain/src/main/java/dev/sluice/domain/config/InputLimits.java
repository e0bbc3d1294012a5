package dev.sluice.domain.config;

/**
 * Limits on what a client may submit; requests beyond them are refused with a message naming the limit.
 *
 * @param maxInputBytes total UTF-8 size of one job's input fields
 * @param maxFieldChars length of any one input field
 * @param maxFields number of input fields
 * @param maxBatchItems jobs in one batch
 * @param maxDocumentBytes size of one document to ingest
 * @param maxDocuments documents in one ingestion request
 * @param maxIdempotencyKeyChars length of an idempotency key
 */
public record InputLimits(
        int maxInputBytes,
        int maxFieldChars,
        int maxFields,
        int maxBatchItems,
        int maxDocumentBytes,
        int maxDocuments,
        int maxIdempotencyKeyChars) {

    public static final InputLimits DEFAULTS = new InputLimits(256 * 1024, 100_000, 50, 500, 5 * 1024 * 1024, 100, 128);

    public InputLimits {
        if (maxInputBytes < 1
                || maxFieldChars < 1
                || maxFields < 1
                || maxBatchItems < 1
                || maxDocumentBytes < 1
                || maxDocuments < 1
                || maxIdempotencyKeyChars < 1) {
            throw new IllegalArgumentException("input limits must be positive");
        }
    }
}

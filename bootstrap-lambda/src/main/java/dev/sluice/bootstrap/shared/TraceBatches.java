package dev.sluice.bootstrap.shared;

import java.util.function.Supplier;

/**
 * Where a consumer keeps the traces of one batch of deliveries together: it runs each delivery {@link
 * Batch#within} the batch's, and closing the batch writes what they recorded (S3: one object per invocation).
 */
public interface TraceBatches {
    /** Traces written as each is recorded: nothing to keep, nothing to write at the end. */
    TraceBatches NONE = () -> new Batch() {
        @Override
        public <T> T within(Supplier<T> delivery) {
            return delivery.get();
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public void close() {}
    };

    Batch open();

    /** One batch's traces. */
    interface Batch extends AutoCloseable {
        /** Runs one delivery with this batch as the one its traces are kept in. */
        <T> T within(Supplier<T> delivery);

        /** How many traces it keeps so far. */
        int size();

        /** Writes what it keeps; a failure here loses those traces, never a job. */
        @Override
        void close();
    }
}

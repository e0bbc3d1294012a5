package dev.sluice.bootstrap.shared.wiring;

import dev.sluice.adapter.aws.s3.S3TraceStore;
import dev.sluice.bootstrap.shared.TraceBatches;
import java.util.function.Supplier;

/** {@link TraceBatches} as {@link S3TraceStore}'s segments: one S3 object per batch of deliveries. */
final class SegmentedTraceBatches implements TraceBatches {
    private final S3TraceStore traces;

    SegmentedTraceBatches(S3TraceStore traces) {
        this.traces = traces;
    }

    @Override
    public Batch open() {
        S3TraceStore.Segment segment = traces.openSegment();
        return new Batch() {
            @Override
            public <T> T within(Supplier<T> delivery) {
                return segment.within(delivery);
            }

            @Override
            public int size() {
                return segment.size();
            }

            @Override
            public void close() {
                segment.close();
            }
        };
    }
}

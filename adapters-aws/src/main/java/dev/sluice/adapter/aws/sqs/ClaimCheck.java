package dev.sluice.adapter.aws.sqs;

import dev.sluice.adapter.aws.codec.MalformedJsonException;
import dev.sluice.adapter.aws.codec.WireJson;
import java.util.Optional;

/** The small body that travels instead of a large one: where in S3 the real body is. */
record ClaimCheck(String key, long bytes) {
    static final String TYPE = "claim-check";

    String toJson() {
        return WireJson.write(new Body(TYPE, key, bytes));
    }

    /** The claim check in {@code body}, or empty when the body is the message itself (or not JSON at all). */
    static Optional<ClaimCheck> in(String body) {
        // Cheap test first: almost every body is a message, and it need not be parsed twice.
        if (!body.contains("\"" + TYPE + "\"")) {
            return Optional.empty();
        }
        try {
            Body read = WireJson.read(body, Body.class);
            if (TYPE.equals(read.type()) && read.key() != null) {
                return Optional.of(new ClaimCheck(read.key(), read.bytes() == null ? 0 : read.bytes()));
            }
            return Optional.empty();
        } catch (MalformedJsonException e) {
            return Optional.empty();
        }
    }

    /**
     * The claim check on the wire: {@code {"type":"claim-check","key":..,"bytes":..}}. Nothing is required, since a
     * body that is not a claim check is a message (which the reader then reads as one); unknown fields are ignored.
     */
    record Body(String type, String key, Long bytes) {}
}

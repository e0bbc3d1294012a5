package dev.sluice.adapter.aws.sqs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The small body that travels instead of a large one: where in S3 the real body is. */
record ClaimCheck(String key, long bytes) {
    static final String TYPE = "claim-check";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    String toJson() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", TYPE);
        node.put("key", key);
        node.put("bytes", bytes);
        return node.toString();
    }

    /** The claim check in {@code body}, or empty when the body is the message itself (or not JSON at all). */
    static Optional<ClaimCheck> in(String body) {
        // Cheap test first: almost every body is a message, and it need not be parsed twice.
        if (!body.contains("\"" + TYPE + "\"")) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null
                    && TYPE.equals(node.path("type").asText())
                    && node.path("key").isTextual()) {
                return Optional.of(new ClaimCheck(
                        node.get("key").textValue(), node.path("bytes").asLong()));
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}

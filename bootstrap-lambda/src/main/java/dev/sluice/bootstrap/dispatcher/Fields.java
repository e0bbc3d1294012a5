package dev.sluice.bootstrap.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.domain.model.Mode;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.usecase.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the fields of a request body (or an event's detail) with the JSON types the API documents; a field of the
 * wrong shape is refused naming its path, so whatever a client sends, the answer is a 4xx, never a crash.
 */
final class Fields {
    private Fields() {}

    /** A required, non-blank string. */
    static String text(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw InvalidInputException.invalid(path, "is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw InvalidInputException.invalid(path, "must be a non-empty string");
        }
        return v.asText();
    }

    /** An optional string: absent or JSON null is empty. */
    static Optional<String> optionalText(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw InvalidInputException.invalid(path, "must be a string");
        }
        return Optional.of(v.asText());
    }

    /** {@code interactive} or {@code batch}; absent or null: {@code fallback}. */
    static Priority priority(JsonNode node, String field, String path, Priority fallback) {
        Optional<String> given = optionalText(node, field, path);
        if (given.isEmpty()) {
            return fallback;
        }
        Optional<Priority> known = Priority.ofWireName(given.get());
        if (known.isPresent()) {
            return known.get();
        }
        throw InvalidInputException.invalid(
                path, "must be \"interactive\" or \"batch\" (got \"" + HttpResponse.quoted(given.get()) + "\")");
    }

    /** A job's {@code mode}: {@code live} or {@code batch}, {@code fallback} when absent. */
    static Mode mode(JsonNode node, String field, String path, Mode fallback) {
        Optional<String> given = optionalText(node, field, path);
        if (given.isEmpty()) {
            return fallback;
        }
        return Mode.ofWireName(given.get())
                .orElseThrow(() -> InvalidInputException.invalid(
                        path, "must be \"live\" or \"batch\" (got \"" + HttpResponse.quoted(given.get()) + "\")"));
    }

    /** An optional time the job must end by: an ISO-8601 instant with its zone or offset. */
    static Optional<java.time.Instant> deadline(JsonNode node, String field, String path) {
        Optional<String> given = optionalText(node, field, path);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.OffsetDateTime.parse(given.get()).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            throw InvalidInputException.invalid(
                    path,
                    "must be an ISO-8601 time with its zone, e.g. \"2026-12-08T09:00:00Z\" (got \""
                            + HttpResponse.quoted(given.get()) + "\")");
        }
    }

    /** An object of scalar values; numbers and booleans are taken as their text. */
    static Map<String, String> strings(JsonNode node, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw InvalidInputException.invalid(path, "is required");
        }
        if (!node.isObject()) {
            throw InvalidInputException.invalid(path, "must be a JSON object of field names to values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            JsonNode v = field.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw InvalidInputException.invalid(path + "." + field.getKey(), "must be a string, number or boolean");
            }
            out.put(field.getKey(), v.asText());
        }
        return out;
    }

    /** An optional list: absent or JSON null is empty; anything else must be an array. */
    static List<JsonNode> list(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw InvalidInputException.invalid(path, "must be a list");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    /** An element of a list that must be an object. */
    static JsonNode object(JsonNode node, String path) {
        if (!node.isObject()) {
            throw InvalidInputException.invalid(path, "must be a JSON object");
        }
        return node;
    }

    /** An element of a list that must be a non-blank string. */
    static String element(JsonNode node, String path) {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw InvalidInputException.invalid(path, "must be a non-empty string");
        }
        return node.asText();
    }
}

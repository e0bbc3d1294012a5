package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads fields of one JSON object, naming the field's path in every error. */
final class JsonIn {
    private final JsonNode node;
    private final String path;

    JsonIn(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            String what = path.isEmpty() ? "the document" : "'" + path + "'";
            throw new MalformedJsonException(what + " must be a JSON object", null);
        }
        this.node = node;
        this.path = path;
    }

    private String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private Optional<JsonNode> present(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    private JsonNode required(String field) {
        return present(field).orElseThrow(() -> new MalformedJsonException("'" + at(field) + "' is missing", null));
    }

    String text(String field) {
        return textOf(field, required(field));
    }

    Optional<String> optionalText(String field) {
        return present(field).map(v -> textOf(field, v));
    }

    /** For record components the domain allows to be absent (trace fields). */
    String textOrNull(String field) {
        return optionalText(field).orElse(null);
    }

    private String textOf(String field, JsonNode value) {
        if (!value.isTextual()) {
            throw new MalformedJsonException("'" + at(field) + "' must be a string", null);
        }
        return value.textValue();
    }

    int integer(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new MalformedJsonException("'" + at(field) + "' must be an integer", null);
        }
        return value.intValue();
    }

    long longInteger(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new MalformedJsonException("'" + at(field) + "' must be an integer", null);
        }
        return value.longValue();
    }

    double number(String field) {
        JsonNode value = required(field);
        if (!value.isNumber()) {
            throw new MalformedJsonException("'" + at(field) + "' must be a number", null);
        }
        return value.doubleValue();
    }

    boolean bool(String field) {
        JsonNode value = required(field);
        if (!value.isBoolean()) {
            throw new MalformedJsonException("'" + at(field) + "' must be true or false", null);
        }
        return value.booleanValue();
    }

    BigDecimal decimal(String field) {
        String text = text(field);
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new MalformedJsonException("'" + at(field) + "' must be a decimal number, got '" + text + "'", e);
        }
    }

    Instant instant(String field) {
        return parseInstant(field, text(field));
    }

    Optional<Instant> optionalInstant(String field) {
        return optionalText(field).map(t -> parseInstant(field, t));
    }

    private Instant parseInstant(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedJsonException("'" + at(field) + "' must be an ISO-8601 instant, got '" + text + "'", e);
        }
    }

    Optional<Duration> optionalDuration(String field) {
        return optionalText(field).map(text -> {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new MalformedJsonException(
                        "'" + at(field) + "' must be an ISO-8601 duration, got '" + text + "'", e);
            }
        });
    }

    JsonIn object(String field) {
        return new JsonIn(required(field), at(field));
    }

    Optional<JsonIn> optionalObject(String field) {
        return present(field).map(v -> new JsonIn(v, at(field)));
    }

    List<JsonIn> objects(String field) {
        List<JsonIn> out = new ArrayList<>();
        JsonNode array = array(field);
        for (int i = 0; i < array.size(); i++) {
            out.add(new JsonIn(array.get(i), at(field) + "[" + i + "]"));
        }
        return out;
    }

    /** A missing array reads as empty: lists are never absent in the domain. */
    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        JsonNode array = array(field);
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (!item.isTextual()) {
                throw new MalformedJsonException("'" + at(field) + "[" + i + "]' must be a string", null);
            }
            out.add(item.textValue());
        }
        return out;
    }

    private JsonNode array(String field) {
        Optional<JsonNode> value = present(field);
        if (value.isEmpty()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (!value.get().isArray()) {
            throw new MalformedJsonException("'" + at(field) + "' must be an array", null);
        }
        return value.get();
    }

    /** A missing map reads as empty. */
    Map<String, String> stringMap(String field) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<JsonNode> value = present(field);
        if (value.isEmpty()) {
            return out;
        }
        if (!value.get().isObject()) {
            throw new MalformedJsonException("'" + at(field) + "' must be an object of strings", null);
        }
        for (Map.Entry<String, JsonNode> entry : value.get().properties()) {
            if (!entry.getValue().isTextual()) {
                throw new MalformedJsonException("'" + at(field) + "." + entry.getKey() + "' must be a string", null);
            }
            out.put(entry.getKey(), entry.getValue().textValue());
        }
        return out;
    }
}

package dev.sluice.adapter.aws.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test-only conversion between DynamoDB items and DynamoDB's own JSON notation (as the console and {@code aws
 * dynamodb get-item} show it): {@code {"attr":{"S":"..."}}}, numbers as strings, binaries as base64. Keys are sorted
 * at every level and the text is pretty printed with {@code \n} line ends, so a fixture is one stable text per item.
 */
final class DynamoDbJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private DynamoDbJson() {}

    /** The item as pretty printed DynamoDB JSON, keys sorted, ending in a newline. */
    static String write(Map<String, AttributeValue> item) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(item(item)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The item that DynamoDB JSON text describes. */
    static Map<String, AttributeValue> read(String json) {
        try {
            return item(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode node = NODES.objectNode();
        new TreeMap<>(item).forEach((name, value) -> node.set(name, value(value)));
        return node;
    }

    static Map<String, AttributeValue> item(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("an item must be an object, was " + node);
        }
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> item.put(e.getKey(), value(e.getValue())));
        return item;
    }

    static ObjectNode value(AttributeValue v) {
        ObjectNode node = NODES.objectNode();
        switch (v.type()) {
            case S -> node.put("S", v.s());
            case N -> node.put("N", v.n());
            case B -> node.put("B", base64(v.b()));
            case BOOL -> node.put("BOOL", v.bool());
            case NUL -> node.put("NULL", v.nul());
            case M -> node.set("M", item(v.m()));
            case L -> node.set("L", array(v.l(), DynamoDbJson::value));
            case SS -> node.set("SS", array(v.ss(), NODES::textNode));
            case NS -> node.set("NS", array(v.ns(), NODES::textNode));
            case BS -> node.set("BS", array(v.bs(), b -> NODES.textNode(base64(b))));
            default -> throw new IllegalArgumentException("unknown attribute value type: " + v);
        }
        return node;
    }

    static AttributeValue value(JsonNode node) {
        if (!node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException("an attribute value must be an object with one type key, was " + node);
        }
        Map.Entry<String, JsonNode> only = node.fields().next();
        JsonNode v = only.getValue();
        return switch (only.getKey()) {
            case "S" -> AttributeValue.fromS(text(v));
            case "N" -> AttributeValue.fromN(text(v));
            case "B" -> AttributeValue.fromB(unbase64(text(v)));
            case "BOOL" -> AttributeValue.fromBool(bool(v));
            case "NULL" -> AttributeValue.fromNul(bool(v));
            case "M" -> AttributeValue.fromM(item(v));
            case "L" -> AttributeValue.fromL(list(v, DynamoDbJson::value));
            case "SS" -> AttributeValue.fromSs(list(v, DynamoDbJson::text));
            case "NS" -> AttributeValue.fromNs(list(v, DynamoDbJson::text));
            case "BS" -> AttributeValue.fromBs(list(v, e -> unbase64(text(e))));
            default -> throw new IllegalArgumentException("unknown attribute value type: " + only.getKey());
        };
    }

    private static <T> ArrayNode array(List<T> values, Function<T, JsonNode> each) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(v -> array.add(each.apply(v)));
        return array;
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> each) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("expected an array, was " + array);
        }
        List<T> values = new ArrayList<>();
        array.forEach(e -> values.add(each.apply(e)));
        return values;
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("expected a string, was " + v);
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("expected a boolean, was " + v);
        }
        return v.booleanValue();
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    private static SdkBytes unbase64(String text) {
        return SdkBytes.fromByteArray(Base64.getDecoder().decode(text));
    }
}

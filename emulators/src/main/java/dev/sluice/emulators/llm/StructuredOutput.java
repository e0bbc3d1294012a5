package dev.sluice.emulators.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers a request for structured output as a real model would: a JSON object with the fields asked for. A request
 * asks for JSON by the provider's JSON mode ({@code response_format}, Ollama's {@code format}, Gemini's
 * {@code responseMimeType}), by a JSON schema, or in the prompt itself: an instruction that mentions JSON, with an
 * example object whose fields and value types the answer follows.
 */
final class StructuredOutput {
    private static final Pattern MENTIONS_JSON = Pattern.compile("\\bjson\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern ASKS_FOR_JSON = Pattern.compile(
            "\\b(answer|respond|reply|return|output|format)\\b[^.\\n]{0,40}\\bjson\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}\\p{N}'-]{2,}");

    /** A field's JSON type, and for a string, the example's value when it was a real one (not "..."). */
    record Field(String type, Optional<String> example) {}

    private StructuredOutput() {}

    /** The fields the request asks for, in order, or empty when it does not ask for JSON. */
    static Optional<Map<String, Field>> requested(JsonNode body, WireFormat.Parsed request) {
        Optional<JsonNode> schema = schema(body);
        if (schema.isPresent() && schema.get().path("properties").isObject()) {
            return Optional.of(fromSchema(schema.get()));
        }
        // The system prompt is the instruction; a user message counts only when it asks for JSON itself and carries
        // no retrieved context (a document about JSON is not a request for it).
        String user = request.lastUserMessage();
        boolean userAsks =
                ASKS_FOR_JSON.matcher(user).find() && Extractor.blocks(user).isEmpty();
        String instructions = request.system() + "\n" + (userAsks ? user : "");
        boolean jsonMode =
                schema.isPresent() || MENTIONS_JSON.matcher(request.system()).find() || userAsks;
        if (!jsonMode) {
            return Optional.empty();
        }
        return Optional.of(exampleObject(instructions)
                .map(StructuredOutput::fromExample)
                .orElseGet(() -> {
                    Map<String, Field> answerOnly = new LinkedHashMap<>();
                    answerOnly.put("answer", new Field("string", Optional.empty()));
                    return answerOnly;
                }));
    }

    /** The answer: every requested field, with values drawn from the prompt so that different texts differ. */
    static String answer(Map<String, Field> fields, WireFormat.Parsed request, String prose) {
        String text = request.lastUserMessage();
        ObjectNode out = WireFormat.object();
        int seed = text.hashCode();
        fields.forEach((name, field) -> {
            switch (field.type()) {
                case "number" -> out.put(name, 0.5 + Math.floorMod(seed, 50) / 100.0);
                case "integer" -> out.put(name, 1 + Math.floorMod(seed, 5));
                case "boolean" -> out.put(name, true);
                case "array" -> out.putArray(name).add(keyword(text));
                case "object" -> out.putObject(name);
                case "null" -> out.putNull(name);
                default -> out.put(name, stringValue(name, field, text, prose));
            }
        });
        return WireFormat.write(out);
    }

    private static String stringValue(String name, Field field, String text, String prose) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.contains("label")
                || lower.contains("category")
                || lower.contains("class")
                || lower.contains("tag")
                || lower.contains("sentiment")
                || lower.contains("topic")) {
            return field.example().orElseGet(() -> keyword(text));
        }
        if (prose.equals(Extractor.NO_CONTEXT) || prose.isBlank()) {
            return field.example().orElseGet(() -> firstSentence(text));
        }
        return prose;
    }

    // The most frequent word of the text, ties to the first: a stable stand-in for a label.
    private static String keyword(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            if (!Extractor.words(m.group()).isEmpty()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        // max keeps the last of equals: iterate from the first so the earliest of the most frequent wins.
        String best = "other";
        int most = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > most) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    private static String firstSentence(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf(". ");
        String sentence = end < 0 ? stripped : stripped.substring(0, end + 1);
        return sentence.length() > 200 ? sentence.substring(0, 200) : sentence;
    }

    private static Optional<JsonNode> schema(JsonNode body) {
        JsonNode format = body.path("response_format");
        if (format.isObject()) {
            String type = format.path("type").asText("");
            if (type.equals("json_schema")) {
                return Optional.of(format.path("json_schema").path("schema"));
            }
            if (type.equals("json_object")) {
                return Optional.of(WireFormat.object());
            }
        }
        JsonNode ollama = body.path("format");
        if (ollama.isObject()) {
            return Optional.of(ollama);
        }
        if (ollama.isTextual() && ollama.asText().equals("json")) {
            return Optional.of(WireFormat.object());
        }
        JsonNode gemini = body.path("generationConfig");
        for (String key : List.of("responseJsonSchema", "responseSchema")) {
            if (gemini.path(key).isObject()) {
                return Optional.of(lowerCaseTypes(gemini.path(key)));
            }
        }
        if (gemini.path("responseMimeType").asText("").equals("application/json")) {
            return Optional.of(WireFormat.object());
        }
        return Optional.empty();
    }

    private static Map<String, Field> fromSchema(JsonNode schema) {
        Map<String, Field> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> properties =
                schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> p = properties.next();
            JsonNode type = p.getValue().path("type");
            String name = type.isArray() ? type.path(0).asText("string") : type.asText("string");
            JsonNode choices = p.getValue().path("enum");
            Optional<String> example = choices.isArray() && !choices.isEmpty()
                    ? Optional.of(choices.get(0).asText())
                    : Optional.empty();
            fields.put(p.getKey(), new Field(name, example));
        }
        return fields;
    }

    // Gemini's OpenAPI-style schema spells types in capitals (STRING, NUMBER).
    private static JsonNode lowerCaseTypes(JsonNode schema) {
        JsonNode copy = schema.deepCopy();
        copy.path("properties").forEach(p -> {
            if (p instanceof ObjectNode o && p.path("type").isTextual()) {
                o.put("type", p.path("type").asText().toLowerCase(Locale.ROOT));
            }
        });
        return copy;
    }

    /** The first {@code {...}} in the instructions that parses as a JSON object with at least one field. */
    static Optional<JsonNode> exampleObject(String instructions) {
        for (int start = instructions.indexOf('{'); start >= 0; start = instructions.indexOf('{', start + 1)) {
            int depth = 0;
            for (int i = start; i < instructions.length(); i++) {
                char c = instructions.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    try {
                        JsonNode node = WireFormat.JSON.readTree(instructions.substring(start, i + 1));
                        if (node.isObject() && !node.isEmpty()) {
                            return Optional.of(node);
                        }
                    } catch (JsonProcessingException notAnExample) {
                        // Prose in braces, or a template placeholder: look further.
                    }
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, Field> fromExample(JsonNode example) {
        Map<String, Field> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = example.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> e = entries.next();
            JsonNode v = e.getValue();
            String type = switch (v.getNodeType()) {
                case NUMBER -> v.isIntegralNumber() ? "integer" : "number";
                case BOOLEAN -> "boolean";
                case ARRAY -> "array";
                case OBJECT, POJO -> "object";
                case NULL -> "null";
                default -> "string";
            };
            boolean placeholder =
                    v.isTextual() && (v.asText().isBlank() || v.asText().matches("[.…_ -]*|<.*>"));
            fields.put(
                    e.getKey(),
                    new Field(type, v.isTextual() && !placeholder ? Optional.of(v.asText()) : Optional.empty()));
        }
        return fields;
    }
}

package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The embedding requests and answers of each provider: OpenAI's {@code /v1/embeddings} (floats, or base64 of
 * little-endian float32 as OpenAI encodes them), Bedrock InvokeModel for Titan ({@code inputText}) and Cohere
 * ({@code texts}), Gemini's {@code embedContent} and {@code batchEmbedContents}, Ollama's {@code /api/embed} and older
 * {@code /api/embeddings}.
 */
final class EmbeddingShapes {
    /** What an embedding request asks: the texts and the dimensions of their vectors. */
    record Request(String model, List<String> inputs, int dimensions) {
        Request {
            inputs = List.copyOf(inputs);
        }

        long tokens() {
            return inputs.stream()
                    .mapToLong(s -> Math.max(1, (s.length() + 3) / 4))
                    .sum();
        }
    }

    private EmbeddingShapes() {}

    /** Whether the route, and for InvokeModel the body, asks for embeddings. */
    static boolean embeds(Routes.Route route, JsonNode body) {
        return switch (route.kind()) {
            case EMBED, EMBED_LEGACY, EMBED_BATCH -> true;
            case INVOKE -> body.has("inputText") || body.has("texts");
            case CHAT, CHAT_STREAM -> false;
        };
    }

    static Request parse(Routes.Route route, JsonNode body) {
        List<String> inputs = new ArrayList<>();
        return switch (route.provider()) {
            case OPENAI ->
                new Request(
                        body.path("model").asText(""),
                        texts(body.path("input"), inputs),
                        dims(body, "dimensions", 1536));
            case BEDROCK ->
                body.has("texts")
                        ? new Request(route.model(), texts(body.path("texts"), inputs), 1024)
                        : new Request(
                                route.model(), texts(body.path("inputText"), inputs), dims(body, "dimensions", 1024));
            case GEMINI -> {
                if (route.kind() == Routes.Kind.EMBED_BATCH) {
                    int dims = 3072;
                    for (JsonNode r : body.path("requests")) {
                        inputs.add(WireFormat.text(r.path("content").get("parts"), "text"));
                        dims = dims(r, "outputDimensionality", dims);
                    }
                    yield new Request(route.model(), inputs, dims);
                }
                inputs.add(WireFormat.text(body.path("content").get("parts"), "text"));
                yield new Request(route.model(), inputs, dims(body, "outputDimensionality", 3072));
            }
            case OLLAMA -> {
                JsonNode input = route.kind() == Routes.Kind.EMBED_LEGACY ? body.path("prompt") : body.path("input");
                yield new Request(body.path("model").asText(""), texts(input, inputs), dims(body, "dimensions", 768));
            }
            case ANTHROPIC -> throw new IllegalArgumentException("Anthropic has no embeddings route");
        };
    }

    static String render(Routes.Route route, Request request, JsonNode body) {
        List<float[]> vectors = request.inputs().stream()
                .map(text -> Embeddings.embed(text, request.dimensions()))
                .toList();
        ObjectNode root = WireFormat.object();
        switch (route.provider()) {
            case OPENAI -> {
                boolean base64 = body.path("encoding_format").asText("float").equals("base64");
                root.put("object", "list");
                ArrayNode data = root.putArray("data");
                for (int i = 0; i < vectors.size(); i++) {
                    ObjectNode item =
                            data.addObject().put("object", "embedding").put("index", i);
                    if (base64) {
                        item.put("embedding", base64(vectors.get(i)));
                    } else {
                        floats(item.putArray("embedding"), vectors.get(i));
                    }
                }
                root.put("model", request.model());
                root.putObject("usage").put("prompt_tokens", request.tokens()).put("total_tokens", request.tokens());
            }
            case BEDROCK -> {
                if (body.has("texts")) {
                    root.put("id", UUID.randomUUID().toString()).put("response_type", "embeddings_floats");
                    ArrayNode all = root.putArray("embeddings");
                    vectors.forEach(v -> floats(all.addArray(), v));
                    ArrayNode texts = root.putArray("texts");
                    request.inputs().forEach(texts::add);
                } else {
                    floats(root.putArray("embedding"), vectors.getFirst());
                    root.put("inputTextTokenCount", request.tokens());
                }
            }
            case GEMINI -> {
                if (route.kind() == Routes.Kind.EMBED_BATCH) {
                    ArrayNode all = root.putArray("embeddings");
                    vectors.forEach(v -> floats(all.addObject().putArray("values"), v));
                } else {
                    floats(root.putObject("embedding").putArray("values"), vectors.getFirst());
                }
            }
            case OLLAMA -> {
                if (route.kind() == Routes.Kind.EMBED_LEGACY) {
                    floats(root.putArray("embedding"), vectors.getFirst());
                } else {
                    root.put("model", request.model());
                    ArrayNode all = root.putArray("embeddings");
                    vectors.forEach(v -> floats(all.addArray(), v));
                    root.put("total_duration", 1_000_000)
                            .put("load_duration", 0)
                            .put("prompt_eval_count", request.tokens());
                }
            }
            case ANTHROPIC -> throw new IllegalArgumentException("Anthropic has no embeddings route");
        }
        return WireFormat.write(root);
    }

    private static List<String> texts(JsonNode input, List<String> into) {
        if (input.isArray()) {
            input.forEach(n -> into.add(n.asText()));
        } else {
            into.add(input.asText());
        }
        return into;
    }

    private static int dims(JsonNode body, String field, int otherwise) {
        return body.path(field).asInt(otherwise);
    }

    private static void floats(ArrayNode array, float[] v) {
        for (float x : v) {
            array.add(x);
        }
    }

    /** OpenAI's base64 encoding: the float32 values, little-endian, one after another. */
    static String base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            bytes.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}

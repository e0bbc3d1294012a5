package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLASSIFY =
            "Classify the text. Answer with JSON only: {\"label\": \"...\", \"confidence\": 0.0}";

    private static WireFormat.Parsed request(String system, String user) {
        return new WireFormat.Parsed("m", system, List.of(user), 0);
    }

    private static JsonNode answer(JsonNode body, WireFormat.Parsed request) throws Exception {
        Map<String, StructuredOutput.Field> fields =
                StructuredOutput.requested(body, request).orElseThrow();
        return JSON.readTree(StructuredOutput.answer(fields, request, Extractor.NO_CONTEXT));
    }

    @Test
    void aPromptWithAnExampleObjectGetsThoseFieldsWithTheirTypes() throws Exception {
        JsonNode answer =
                answer(JSON.createObjectNode(), request(CLASSIFY, "My refund never arrived, I want my refund now."));
        assertThat(answer.path("label").asText()).isEqualTo("refund");
        assertThat(answer.path("confidence").isNumber()).isTrue();
        assertThat(answer.path("confidence").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void openAiJsonSchemaModeGetsEveryPropertyOfTheSchema() throws Exception {
        JsonNode body = JSON.readTree("""
                {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {
                  "type": "object", "required": ["sentiment", "score", "spam", "tags"],
                  "properties": {"sentiment": {"type": "string", "enum": ["positive", "negative"]},
                                 "score": {"type": "integer"}, "spam": {"type": "boolean"},
                                 "tags": {"type": "array", "items": {"type": "string"}}}}}}}""");
        JsonNode answer = answer(body, request("", "Lovely product."));
        assertThat(answer.path("sentiment").asText()).isEqualTo("positive");
        assertThat(answer.path("score").isInt()).isTrue();
        assertThat(answer.path("spam").isBoolean()).isTrue();
        assertThat(answer.path("tags").isArray()).isTrue();
    }

    @Test
    void jsonModeWithoutFieldsStillAnswersAnObject() throws Exception {
        JsonNode body = JSON.readTree("{\"response_format\": {\"type\": \"json_object\"}}");
        assertThat(answer(body, request("", "Say hello.")).has("answer")).isTrue();
        JsonNode ollama = JSON.readTree("{\"format\": \"json\"}");
        assertThat(answer(ollama, request("", "Say hello.")).isObject()).isTrue();
        JsonNode gemini = JSON.readTree("""
                {"generationConfig": {"responseMimeType": "application/json",
                  "responseSchema": {"type": "OBJECT", "properties": {"n": {"type": "NUMBER"}}}}}""");
        assertThat(answer(gemini, request("", "Count.")).path("n").isNumber()).isTrue();
    }

    @Test
    void retrievedContextThatMentionsJsonIsNotARequestForIt() {
        WireFormat.Parsed rag = request(
                "Answer the question using only the numbered context.",
                "Context:\n[1] Logs are JSON lines; answer with JSON when asked.\n\nQuestion: What are logs?");
        assertThat(StructuredOutput.requested(JSON.createObjectNode(), rag)).isEqualTo(Optional.empty());
        assertThat(StructuredOutput.requested(JSON.createObjectNode(), request("Be brief.", "Hello")))
                .isEmpty();
    }

    @Test
    void aUserMessageThatAsksForJsonIsHonoured() throws Exception {
        JsonNode answer = answer(
                JSON.createObjectNode(),
                request("", "Reply in JSON like {\"city\": \"...\", \"population\": 1} for Paris."));
        assertThat(answer.fieldNames()).toIterable().containsExactly("city", "population");
        assertThat(answer.path("population").isInt()).isTrue();
    }
}

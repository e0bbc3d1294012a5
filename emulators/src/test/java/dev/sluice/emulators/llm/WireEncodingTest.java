package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte-level encodings the simulator writes, against values worked out by hand. */
class WireEncodingTest {
    @Test
    void base64EmbeddingsAreLittleEndianFloat32() {
        // 1.0f is 0x3F800000, little-endian 00 00 80 3F; -2.0f is 0xC0000000, little-endian 00 00 00 C0.
        assertThat(EmbeddingShapes.base64(new float[] {1.0f, -2.0f})).isEqualTo("AACAPwAAAMA=");
    }

    @Test
    void anEventStreamMessageHasItsPreludeHeadersPayloadAndChecksums() throws Exception {
        byte[] frame = EventStream.event("messageStart", new ObjectMapper().readTree("{\"role\":\"assistant\"}"));
        ByteBuffer b = ByteBuffer.wrap(frame);

        int total = b.getInt();
        int headersLength = b.getInt();
        int preludeCrc = b.getInt();
        byte[] payload = "{\"role\":\"assistant\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(total).isEqualTo(frame.length);
        assertThat(preludeCrc).isEqualTo((int) crc(frame, 0, 8));
        assertThat(ByteBuffer.wrap(frame, frame.length - 4, 4).getInt()).isEqualTo((int) crc(frame, 0, total - 4));
        assertThat(total).isEqualTo(12 + headersLength + payload.length + 4);
        assertThat(new String(frame, 12, headersLength, StandardCharsets.UTF_8))
                .contains(":event-type", "messageStart", ":content-type", "application/json", ":message-type", "event");
        assertThat(new String(frame, 12 + headersLength, payload.length, StandardCharsets.UTF_8))
                .isEqualTo("{\"role\":\"assistant\"}");
        // The first header: name length, name, type 7 (string), two-byte value length, value.
        assertThat(frame[12]).isEqualTo((byte) ":event-type".length());
        assertThat(frame[12 + 1 + ":event-type".length()]).isEqualTo((byte) 7);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "x",
                "one two",
                "a much longer answer that is cut at words into a handful of pieces",
                "nospacesnospacesnospacesnospacesnospacesnospacesnospacesnospaces"
            })
    void streamPiecesConcatenateToTheTextAndAreFew(String text) {
        List<String> pieces = LlmSimulator.pieces(text);

        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat(pieces)
                .hasSizeLessThanOrEqualTo(8)
                .allSatisfy(p -> assertThat(p).isNotEmpty());
    }

    @Test
    void routesMatchExactlyAndDecodeTheModelInThePath() {
        Map<String, List<String>> none = Map.of();

        assertThat(Routes.match(
                        "POST", "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse", none))
                .isEqualTo(new Routes.Found(new Routes.Route(
                        Provider.BEDROCK, Routes.Kind.CHAT, "arn:aws:bedrock:us-east-1:1:inference-profile/us.x")));
        assertThat(Routes.match("POST", "/v1/v1/messages", none)).isEqualTo(new Routes.NotFound(Provider.ANTHROPIC));
        assertThat(Routes.match("POST", "/chat/completions", none)).isEqualTo(new Routes.NotFound(Provider.OPENAI));
        assertThat(Routes.match("GET", "/v1/embeddings", none)).isEqualTo(new Routes.WrongMethod(Provider.OPENAI));
        assertThat(Routes.match("POST", "/api/embeddings", none))
                .isEqualTo(new Routes.Found(new Routes.Route(Provider.OLLAMA, Routes.Kind.EMBED_LEGACY, "")));
        assertThat(Routes.match("GET", "/v1/models/gpt-4o", none)).isEqualTo(new Routes.NotFound(Provider.OPENAI));
        assertThat(Routes.match("POST", "/v1/models/gemini-2.5-flash:countTokens", none))
                .isEqualTo(new Routes.NotFound(Provider.GEMINI));
        assertThat(Routes.match("POST", "/compat/v1/chat/completions", none))
                .isEqualTo(new Routes.Found(new Routes.Route(Provider.OPENAI, Routes.Kind.CHAT, "")));
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}

package dev.sluice.emulators.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * AWS's {@code application/vnd.amazon.eventstream} framing, as Bedrock's ConverseStream sends it: a prelude (total
 * and headers length, big-endian, with their CRC32), string headers, the JSON payload, and the CRC32 of all of it.
 */
final class EventStream {
    static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
    private static final byte STRING = 7;

    private EventStream() {}

    /** An {@code event} message of {@code eventType} carrying {@code payload}. */
    static byte[] event(String eventType, JsonNode payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return message(headers, WireFormat.write(payload).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] message(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            encoded.write(n.length);
            encoded.writeBytes(n);
            encoded.write(STRING);
            encoded.write(v.length >>> 8);
            encoded.write(v.length & 0xff);
            encoded.writeBytes(v);
        });
        byte[] h = encoded.toByteArray();
        int total = 12 + h.length + payload.length + 4;
        ByteBuffer frame = ByteBuffer.allocate(total);
        frame.putInt(total).putInt(h.length);
        frame.putInt((int) crc(frame.array(), 0, 8));
        frame.put(h).put(payload);
        frame.putInt((int) crc(frame.array(), 0, total - 4));
        return frame.array();
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}

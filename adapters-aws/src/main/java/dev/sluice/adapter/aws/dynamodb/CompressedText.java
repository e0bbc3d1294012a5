package dev.sluice.adapter.aws.dynamodb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Text attributes as DynamoDB bills them: every write pays for each started kilobyte of the item, so a long text
 * (an answer, a memoised output, a cached completion) is kept gzip-compressed as a binary attribute when that makes
 * it smaller. Short or incompressible text stays a string, and a string is read as it always was.
 */
final class CompressedText {
    /** Below this many UTF-8 bytes gzip's own overhead takes what it could save. */
    static final int FROM_BYTES = 512;

    private CompressedText() {}

    /** {@code text} as the smaller of a string and its gzip as binary. */
    static AttributeValue of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < FROM_BYTES) {
            return AttributeValue.fromS(text);
        }
        byte[] gzipped = gzip(bytes);
        return gzipped.length < bytes.length
                ? AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(gzipped))
                : AttributeValue.fromS(text);
    }

    /** Whether {@code value} is text this class wrote (a string, or gzip as binary). */
    static boolean isText(AttributeValue value) {
        return value.s() != null || value.b() != null;
    }

    /** The text of a string attribute, or of a gzip-compressed binary one. */
    static String read(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.b() == null) {
            throw new IllegalArgumentException("not a text attribute: " + value);
        }
        try (GZIPInputStream in = new GZIPInputStream(value.b().asInputStream())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("a compressed text attribute does not decompress", e);
        }
    }

    /** What {@code value} weighs in an item: the bytes DynamoDB counts for it. */
    static int size(AttributeValue value) {
        return value.s() != null
                ? value.s().getBytes(StandardCharsets.UTF_8).length
                : value.b().asByteArray().length;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 32);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.TransientException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Text attributes that stay inline when small and move to the {@link BlobStore} when large, so an item stays well
 * under DynamoDB's 400 KB. A moved value is a map {@code {blob: key, bytes: n}} in place of the string.
 *
 * <p>Blob keys end in a hash of the content: two deliveries writing the same value write the same object, and a
 * delivery that loses its conditional write can never overwrite what the winner's item points at.
 */
final class LargeValues {
    private static final String BLOB = "blob";
    private static final String BYTES = "bytes";
    private static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    private final BlobStore blobs;
    private final int inlineLimitBytes;

    LargeValues(BlobStore blobs, int inlineLimitBytes) {
        this.blobs = blobs;
        this.inlineLimitBytes = inlineLimitBytes;
    }

    /** {@code text} as an attribute, stored under {@code prefix/<hash>} when it is over the inline limit. */
    AttributeValue store(String prefix, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= inlineLimitBytes) {
            return AttributeValue.fromS(text);
        }
        String key = prefix + "/" + sha256(bytes).substring(0, 32);
        blobs.put(key, bytes, CONTENT_TYPE);
        return AttributeValue.fromM(
                Map.of(BLOB, AttributeValue.fromS(key), BYTES, AttributeValue.fromN(Integer.toString(bytes.length))));
    }

    String load(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        String key = value.m().get(BLOB).s();
        BlobStore.Blob blob = blobs.get(key)
                .orElseThrow(
                        () -> new TransientException("stored value " + key + " is missing from the blob store", null));
        return new String(blob.content(), StandardCharsets.UTF_8);
    }

    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

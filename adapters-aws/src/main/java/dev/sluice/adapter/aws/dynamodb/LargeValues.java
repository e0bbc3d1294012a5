package dev.sluice.adapter.aws.dynamodb;

import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.TransientException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Text attributes that stay inline when small (as {@link CompressedText}: long text gzip-compressed) and move to the
 * {@link BlobStore} when even compressed they are large, so an item stays small: every write of it pays for each
 * started kilobyte. A moved value is a map {@code {blob: key, bytes: n}} in place of the text.
 *
 * <p>Blob keys end in a hash of the content: two deliveries writing the same value write the same object, and a
 * delivery that loses its conditional write can never overwrite what the winner's item points at. The same key
 * therefore always holds the same text, so the values a process wrote or read are kept in a small cache by key: a
 * job read again on the same warm function (its lease, then its memo's write) reads its stored-aside input once.
 */
final class LargeValues {
    private static final String BLOB = "blob";
    private static final String BYTES = "bytes";
    /** Where in its blob a value starts, when the blob holds several (a batch's inputs): absent for a blob of one. */
    private static final String OFFSET = "offset";
    /** How many packed values this process remembers the place of, between writing a pack and its records. */
    private static final int PLACES = 20_000;

    private static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    /** What the cache may hold, in characters of the values kept. */
    private static final long CACHE_CHARS = 8L * 1024 * 1024;

    private final BlobStore blobs;
    private final int inlineLimitBytes;
    private final Map<String, String> cache = new java.util.LinkedHashMap<>(64, 0.75f, true);
    private long cachedChars;
    /** Values written in a pack by {@link #pack}, by content hash: where {@link #store} points instead of a PUT. */
    private final Map<String, AttributeValue> packed = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AttributeValue> eldest) {
            return size() > PLACES;
        }
    };

    LargeValues(BlobStore blobs, int inlineLimitBytes) {
        this.blobs = blobs;
        this.inlineLimitBytes = inlineLimitBytes;
    }

    /** {@code text} as an attribute, stored under {@code prefix/<hash>} when even compressed it is over the limit. */
    AttributeValue store(String prefix, String text) {
        AttributeValue inline = CompressedText.of(text);
        if (CompressedText.size(inline) <= inlineLimitBytes) {
            return inline;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String hash = sha256(bytes);
        AttributeValue place = placeInPack(hash);
        if (place != null) {
            return place;
        }
        String key = prefix + "/" + hash.substring(0, 32);
        blobs.put(key, bytes, CONTENT_TYPE);
        remember(key, text);
        return AttributeValue.fromM(
                Map.of(BLOB, AttributeValue.fromS(key), BYTES, AttributeValue.fromN(Integer.toString(bytes.length))));
    }

    String load(AttributeValue value) {
        if (CompressedText.isText(value)) {
            return CompressedText.read(value);
        }
        String key = value.m().get(BLOB).s();
        AttributeValue offset = value.m().get(OFFSET);
        String cacheKey = offset == null ? key : key + "@" + offset.n();
        String known = recalled(cacheKey);
        if (known != null) {
            return known;
        }
        Optional<BlobStore.Blob> blob = offset == null
                ? blobs.get(key)
                : blobs.getRange(
                        key,
                        Long.parseLong(offset.n()),
                        Integer.parseInt(value.m().get(BYTES).n()));
        String text = new String(
                blob.orElseThrow(() -> new TransientException(
                                "stored value " + cacheKey + " is missing from the blob store", null))
                        .content(),
                StandardCharsets.UTF_8);
        remember(cacheKey, text);
        return text;
    }

    /**
     * Writes every value of {@code values} that {@link #store} would put aside in one blob, {@code prefix/<hash>},
     * and remembers where each is, so that storing it afterwards points into that blob instead of writing its own:
     * one PUT for a batch's inputs. The blob's key is a hash of what it holds, so writing the same values again
     * writes the same blob, and records made the first time still point at the right bytes.
     */
    void pack(String prefix, List<String> values) {
        java.io.ByteArrayOutputStream pack = new java.io.ByteArrayOutputStream();
        Map<String, long[]> places = new java.util.LinkedHashMap<>();
        for (String text : values) {
            if (CompressedText.size(CompressedText.of(text)) <= inlineLimitBytes) {
                continue;
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            String hash = sha256(bytes);
            if (!places.containsKey(hash)) {
                places.put(hash, new long[] {pack.size(), bytes.length});
                pack.writeBytes(bytes);
            }
        }
        if (places.size() < 2) {
            return; // one value aside is a blob of its own, as ever
        }
        byte[] content = pack.toByteArray();
        String key = prefix + "/" + sha256(content).substring(0, 32);
        blobs.put(key, content, CONTENT_TYPE);
        synchronized (this) {
            places.forEach((hash, at) -> packed.put(
                    hash,
                    AttributeValue.fromM(Map.of(
                            BLOB, AttributeValue.fromS(key),
                            OFFSET, AttributeValue.fromN(Long.toString(at[0])),
                            BYTES, AttributeValue.fromN(Long.toString(at[1]))))));
        }
    }

    private synchronized AttributeValue placeInPack(String hash) {
        return packed.get(hash);
    }

    private synchronized String recalled(String key) {
        return cache.get(key);
    }

    /** Keeps {@code text} under its key, forgetting the least recently used values past the cache's size. */
    private synchronized void remember(String key, String text) {
        if (text.length() > CACHE_CHARS / 4 || cache.containsKey(key)) {
            return;
        }
        cache.put(key, text);
        cachedChars += text.length();
        var eldest = cache.entrySet().iterator();
        while (cachedChars > CACHE_CHARS && eldest.hasNext()) {
            cachedChars -= eldest.next().getValue().length();
            eldest.remove();
        }
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

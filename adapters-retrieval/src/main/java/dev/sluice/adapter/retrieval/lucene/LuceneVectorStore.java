package dev.sluice.adapter.retrieval.lucene;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.lucene.util.BytesRefHash;

/**
 * An embedded HNSW index per sluice index (pure-Java Lucene, cosine), on disk under one directory: no cluster to run,
 * the local default, and a cheap production store for small corpora that a Lambda loads from a {@link BlobStore}
 * snapshot at init ({@link #restore}) after the ingestor wrote one ({@link #snapshot}).
 *
 * <p>Every write is committed before it returns, so a snapshot always holds what was acknowledged; a write that fails
 * is rolled back whole and leaves the index as its last commit, so the next write is unaffected. Scores are cosine
 * similarities in [-1, 1], like the other stores'. One process writes an index at a time (Lucene's lock); across
 * processes {@link #catchUp} before a write and {@link #snapshot} after it keep the published copy whole, provided
 * the writers take turns.
 */
public final class LuceneVectorStore implements VectorStore, AutoCloseable {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final Path root;
    private final Map<String, LuceneIndex> open = new ConcurrentHashMap<>();

    /** @param directory where each index gets its own sub-directory */
    public record Settings(Path directory) {
        public Settings {
            Objects.requireNonNull(directory, "'directory' must not be null");
        }
    }

    public LuceneVectorStore(Settings settings) {
        this.root = settings.directory();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    @Override
    public void ensureIndex(IndexSpec index) {
        String name = checkName(index.name());
        open.compute(name, (n, existing) -> {
            if (existing != null) {
                existing.requireDimension(index.dimension());
                return existing;
            }
            return io(n, () -> LuceneIndex.openOrCreate(root.resolve(n), n, index.dimension()));
        });
    }

    @Override
    public void upsert(String index, List<Chunk> chunks) {
        LuceneIndex target = index(index);
        for (Chunk c : chunks) {
            target.checkDimension(c.vector().length);
        }
        io(index, () -> {
            target.upsert(chunks);
            return null;
        });
    }

    /** An index never written (nor restored) holds no chunks: a search finds nothing, as in an empty one. */
    @Override
    public List<RetrievedChunk> search(String index, Query query) {
        Optional<LuceneIndex> target = existing(index);
        if (target.isEmpty()) {
            return List.of();
        }
        target.get().checkDimension(query.vector().length);
        return io(index, () -> target.get().search(query));
    }

    @Override
    public void deleteDocument(String index, TenantId tenant, String documentId) {
        LuceneIndex target = index(index);
        io(index, () -> {
            target.deleteDocument(tenant, documentId);
            return null;
        });
    }

    /**
     * Writes the index's last commit to {@code blobs} under {@link #snapshotKey}, then a new token under
     * {@link #tokenKey} that names it; returns the snapshot's size in bytes.
     */
    public long snapshot(String index, BlobStore blobs) {
        LuceneIndex target = index(index);
        String token = UUID.randomUUID().toString();
        byte[] zip = io(index, () -> target.snapshot(token));
        blobs.put(snapshotKey(index), zip, "application/zip");
        // Written after the snapshot: whoever reads this token finds that snapshot (or a later one) in place.
        blobs.put(tokenKey(index), token.getBytes(StandardCharsets.UTF_8), "text/plain");
        return zip.length;
    }

    /**
     * Restores {@code index} from {@code blobs} when the bucket holds a snapshot other than the one this copy was
     * restored from or published as: another process wrote it since, and applying a write to this stale copy and
     * publishing it would drop theirs. Cheap when nothing changed (one small read).
     *
     * @return whether a newer snapshot was loaded
     */
    public boolean catchUp(String index, BlobStore blobs) {
        String name = checkName(index);
        Optional<String> published =
                blobs.get(tokenKey(name)).map(b -> new String(b.content(), StandardCharsets.UTF_8));
        if (published.isEmpty()) {
            return false;
        }
        Optional<String> local = existing(name).map(LuceneIndex::snapshotToken);
        if (local.isPresent() && local.get().equals(published.get())) {
            return false;
        }
        return restore(name, blobs);
    }

    /**
     * Replaces the local copy of {@code index} with the snapshot in {@code blobs}, if there is one.
     *
     * @return whether a snapshot was found and loaded
     */
    public boolean restore(String index, BlobStore blobs) {
        String name = checkName(index);
        var blob = blobs.get(snapshotKey(name));
        if (blob.isEmpty()) {
            return false;
        }
        open.compute(
                name,
                (n, existing) -> io(n, () -> {
                    if (existing != null) {
                        existing.close();
                    }
                    return LuceneIndex.restore(root.resolve(n), n, blob.get().content());
                }));
        return true;
    }

    /** Where snapshots live in the bucket (the runtime contract puts index snapshots under {@code indexes/}). */
    public static String snapshotKey(String index) {
        return "indexes/" + index + "/lucene.zip";
    }

    /** Where the token naming the latest snapshot lives. */
    public static String tokenKey(String index) {
        return "indexes/" + index + "/lucene.token";
    }

    @Override
    public void close() {
        List<IOException> failures = new ArrayList<>();
        open.values().forEach(i -> {
            try {
                i.close();
            } catch (IOException e) {
                failures.add(e);
            }
        });
        open.clear();
        if (!failures.isEmpty()) {
            throw new UncheckedIOException("cannot close every index", failures.getFirst());
        }
    }

    private LuceneIndex index(String index) {
        return existing(index).orElseThrow(() -> new PermanentException("index '" + index + "' does not exist", null));
    }

    // An index created by another process (or restored earlier) is opened from disk on first use.
    private Optional<LuceneIndex> existing(String index) {
        String name = checkName(index);
        LuceneIndex known = open.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        if (!LuceneIndex.exists(root.resolve(name))) {
            return Optional.empty();
        }
        return Optional.of(open.computeIfAbsent(name, n -> io(n, () -> LuceneIndex.open(root.resolve(n), n))));
    }

    private static String checkName(String index) {
        if (!SAFE_NAME.matcher(index).matches()) {
            throw new PermanentException(
                    "index name '" + index + "' may contain only letters, digits and . _ - (at most 200)", null);
        }
        return index;
    }

    private interface IoWork<T> {
        T run() throws IOException;
    }

    // Lucene's own failures become the port's: a value it refuses will never pass, a disk or writer failure may.
    private static <T> T io(String index, IoWork<T> work) {
        try {
            return work.run();
        } catch (PortException e) {
            throw e;
        } catch (IllegalArgumentException | BytesRefHash.MaxBytesLengthExceededException e) {
            throw new PermanentException("Lucene index '" + index + "' refused the write: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new TransientException("Lucene index '" + index + "' failed: " + e.getMessage(), e);
        }
    }
}

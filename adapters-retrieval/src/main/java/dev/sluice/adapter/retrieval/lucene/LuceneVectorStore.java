package dev.sluice.adapter.retrieval.lucene;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.BlobStore;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An embedded HNSW index per sluice index (pure-Java Lucene, cosine), on disk under one directory: no cluster to run,
 * the local default, and a cheap production store for small corpora that a Lambda loads from a {@link BlobStore}
 * snapshot at init ({@link #restore}) after the ingestor wrote one ({@link #snapshot}).
 *
 * <p>Every write is committed before it returns, so a snapshot always holds what was acknowledged. Scores are cosine
 * similarities in [-1, 1], like the other stores'.
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

    @Override
    public List<RetrievedChunk> search(String index, Query query) {
        LuceneIndex target = index(index);
        target.checkDimension(query.vector().length);
        return io(index, () -> target.search(query));
    }

    @Override
    public void deleteDocument(String index, TenantId tenant, String documentId) {
        LuceneIndex target = index(index);
        io(index, () -> {
            target.deleteDocument(tenant, documentId);
            return null;
        });
    }

    /** Writes the index's last commit to {@code blobs} under {@link #snapshotKey}; returns its size in bytes. */
    public long snapshot(String index, BlobStore blobs) {
        LuceneIndex target = index(index);
        byte[] zip = io(index, target::snapshot);
        blobs.put(snapshotKey(index), zip, "application/zip");
        return zip.length;
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

    // An index created by another process (or restored earlier) is opened from disk on first use.
    private LuceneIndex index(String index) {
        String name = checkName(index);
        LuceneIndex existing = open.get(name);
        if (existing != null) {
            return existing;
        }
        return open.computeIfAbsent(name, n -> {
            Path dir = root.resolve(n);
            if (!LuceneIndex.exists(dir)) {
                throw new PermanentException("index '" + n + "' does not exist", null);
            }
            return io(n, () -> LuceneIndex.open(dir, n));
        });
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

    private static <T> T io(String index, IoWork<T> work) {
        try {
            return work.run();
        } catch (IOException e) {
            throw new TransientException("Lucene index '" + index + "' failed: " + e.getMessage(), e);
        }
    }
}

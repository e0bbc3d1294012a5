package dev.sluice.adapter.retrieval.lucene;

import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.VectorStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/** One on-disk Lucene index: its writer, a near-real-time searcher and its dimension (kept in the commit data). */
final class LuceneIndex {
    private static final String KEY = "key";
    private static final String ID = "id";
    private static final String TENANT = "tenant";
    private static final String DOCUMENT = "document";
    private static final String TENANT_DOCUMENT = "tenant_document";
    private static final String TEXT = "text";
    private static final String VECTOR = "vector";
    private static final String META = "meta.";
    private static final String DIMENSION = "sluice.dimension";

    private static final String SNAPSHOT = "sluice.snapshot";
    private static final int MAX_TERM_BYTES = IndexWriter.MAX_TERM_LENGTH;

    private final String name;
    private final Directory directory;
    private final int dimension;
    // Searches read the last commit, never the writer's buffer: a write that fails midway is invisible to them.
    private final SearcherManager searchers;
    // Replaced after a failed write (rollback to the last commit), so one bad write cannot poison the next.
    private IndexWriter writer;
    private String snapshotToken;

    private LuceneIndex(String name, Directory directory, IndexWriter writer, int dimension, String snapshotToken)
            throws IOException {
        this.name = name;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(directory, null);
        this.dimension = dimension;
        this.snapshotToken = snapshotToken;
    }

    static boolean exists(Path dir) {
        try (Directory d = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(d);
        } catch (IOException e) {
            return false;
        }
    }

    static LuceneIndex openOrCreate(Path dir, String name, int dimension) throws IOException {
        if (exists(dir)) {
            LuceneIndex existing = open(dir, name);
            existing.requireDimension(dimension);
            return existing;
        }
        Directory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig());
        writer.setLiveCommitData(Map.of(DIMENSION, Integer.toString(dimension)).entrySet());
        writer.commit();
        return new LuceneIndex(name, directory, writer, dimension, "");
    }

    static LuceneIndex open(Path dir, String name) throws IOException {
        Directory directory = FSDirectory.open(dir);
        Map<String, String> commitData =
                SegmentInfos.readLatestCommit(directory).getUserData();
        String stored = commitData.get(DIMENSION);
        if (stored == null) {
            directory.close();
            throw new PermanentException("'" + dir + "' is not a sluice Lucene index (no dimension recorded)", null);
        }
        return new LuceneIndex(
                name,
                directory,
                appendingWriter(directory),
                Integer.parseInt(stored),
                commitData.getOrDefault(SNAPSHOT, ""));
    }

    static LuceneIndex restore(Path dir, String name, byte[] zip) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.getParent().equals(dir.normalize())) {
                    throw new PermanentException("snapshot of '" + name + "' holds a bad entry " + e.getName(), null);
                }
                Files.copy(in, target);
            }
        }
        return open(dir, name);
    }

    void requireDimension(int expected) {
        if (expected != dimension) {
            throw new PermanentException(
                    "index '" + name + "' holds " + dimension + "-dimensional vectors but " + expected
                            + " were asked for",
                    null);
        }
    }

    void checkDimension(int length) {
        if (length != dimension) {
            throw new PermanentException(
                    "vector has " + length + " dimensions but index '" + name + "' holds " + dimension, null);
        }
    }

    synchronized void upsert(List<Chunk> chunks) throws IOException {
        List<Document> documents = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            documents.add(toDocument(c));
        }
        write(w -> {
            for (int i = 0; i < chunks.size(); i++) {
                Chunk c = chunks.get(i);
                w.updateDocument(new Term(KEY, key(c.tenant(), c.id())), documents.get(i));
            }
        });
    }

    synchronized void deleteDocument(TenantId tenant, String documentId) throws IOException {
        Term byDocument = new Term(TENANT_DOCUMENT, checkTerm("document id", tenant.value() + "\u0000" + documentId));
        write(w -> w.deleteDocuments(byDocument));
    }

    /** The token of the snapshot this copy was last restored from or published as; empty if neither. */
    synchronized String snapshotToken() {
        return snapshotToken;
    }

    private interface Write {
        void apply(IndexWriter writer) throws IOException;
    }

    /**
     * Applies and commits one write, or none of it: on any failure the writer drops everything since the last commit
     * and a fresh one takes its place. Lucene keeps a rejected delete term in its queue and applies it with every
     * later operation, so without the rollback one bad request would fail every request after it.
     */
    private void write(Write work) throws IOException {
        try {
            if (!writer.isOpen()) {
                writer = appendingWriter(directory);
            }
            work.apply(writer);
            commit();
        } catch (IOException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    private void rollback(Exception cause) {
        try {
            writer.rollback();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        try {
            writer = appendingWriter(directory);
        } catch (IOException | RuntimeException e) {
            // The old writer is closed either way; the next write opens a new one.
            cause.addSuppressed(e);
        }
    }

    List<RetrievedChunk> search(VectorStore.Query query) throws IOException {
        BooleanQuery.Builder filter = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, query.tenant().value())), BooleanClause.Occur.FILTER);
        query.filter().forEach((k, v) -> filter.add(new TermQuery(new Term(META + k, v)), BooleanClause.Occur.FILTER));
        // With a filter, Lucene searches the graph only among matching documents (or exactly, when few match).
        KnnFloatVectorQuery knn = new KnnFloatVectorQuery(VECTOR, query.vector(), query.topK(), filter.build());
        IndexSearcher searcher = searchers.acquire();
        try {
            TopDocs top = searcher.search(knn, query.topK());
            List<RetrievedChunk> out = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                out.add(toChunk(searcher.storedFields().document(hit.doc), hit.score));
            }
            return out;
        } finally {
            searchers.release(searcher);
        }
    }

    /** The last commit as a zip, stamped with {@code token} so a copy restored from it knows which snapshot it is. */
    synchronized byte[] snapshot(String token) throws IOException {
        String previous = snapshotToken;
        snapshotToken = token;
        try {
            write(w -> {});
        } catch (IOException | RuntimeException e) {
            snapshotToken = previous;
            throw e;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String file : SegmentInfos.readLatestCommit(directory).files(true)) {
                zip.putNextEntry(new ZipEntry(file));
                try (IndexInput input = directory.openInput(file, IOContext.READONCE);
                        InputStream in = new IndexInputStream(input)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    synchronized void close() throws IOException {
        searchers.close();
        writer.close();
        directory.close();
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of(DIMENSION, Integer.toString(dimension), SNAPSHOT, snapshotToken)
                .entrySet());
        writer.commit();
        searchers.maybeRefreshBlocking();
    }

    private static IndexWriter appendingWriter(Directory directory) throws IOException {
        return new IndexWriter(directory, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.APPEND));
    }

    // Lucene refuses a term over 32766 UTF-8 bytes; say which value it was instead of failing deep in the writer.
    private String checkTerm(String what, String value) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TERM_BYTES) {
            throw new PermanentException(
                    "index '" + name + "' cannot hold a " + what + " of " + bytes + " bytes (at most " + MAX_TERM_BYTES
                            + ")",
                    null);
        }
        return value;
    }

    private static String key(TenantId tenant, String id) {
        return tenant.value() + "\u0000" + id;
    }

    private Document toDocument(Chunk c) {
        Document d = new Document();
        d.add(new StringField(KEY, checkTerm("chunk id", key(c.tenant(), c.id())), Field.Store.NO));
        d.add(new StringField(ID, c.id(), Field.Store.YES));
        d.add(new StringField(TENANT, c.tenant().value(), Field.Store.NO));
        d.add(new StringField(DOCUMENT, c.documentId(), Field.Store.YES));
        d.add(new StringField(
                TENANT_DOCUMENT,
                checkTerm("document id", c.tenant().value() + "\u0000" + c.documentId()),
                Field.Store.NO));
        d.add(new StoredField(TEXT, c.text()));
        d.add(new KnnFloatVectorField(VECTOR, c.vector(), VectorSimilarityFunction.COSINE));
        c.metadata()
                .forEach((k, v) ->
                        d.add(new StringField(META + k, checkTerm("metadata '" + k + "'", v), Field.Store.YES)));
        return d;
    }

    private static RetrievedChunk toChunk(Document d, float score) {
        Map<String, String> metadata = new HashMap<>();
        for (IndexableField f : d.getFields()) {
            if (f.name().startsWith(META)) {
                metadata.put(f.name().substring(META.length()), f.stringValue());
            }
        }
        // Lucene's cosine score is (1 + cos) / 2; report the cosine itself, as the other stores do.
        return new RetrievedChunk(d.get(ID), d.get(DOCUMENT), d.get(TEXT), 2.0 * score - 1.0, metadata);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Reads a Lucene file as a stream, for zipping. */
    private static final class IndexInputStream extends InputStream {
        private final IndexInput input;

        IndexInputStream(IndexInput input) {
            this.input = input;
        }

        @Override
        public int read() throws IOException {
            return input.getFilePointer() < input.length() ? input.readByte() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = input.length() - input.getFilePointer();
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            input.readBytes(b, off, n);
            return n;
        }
    }
}

package dev.sluice.bootstrap.shared.wiring;

import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.domain.port.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The embedded Lucene stores of a process, one per directory, each opened once: Lucene lets a single writer hold an
 * index directory. On opening, an index missing on disk is restored from the snapshot the ingestor last published,
 * so a cold start serves the corpus as of then.
 *
 * <p>The module uses the one {@link #PROCESS} instance rather than one per object graph: the local runtime and the
 * container worker run several functions' graphs in one JVM, where the ingestor writes the very store the processor
 * searches (a second store on the same directory could not take Lucene's write lock). In a Lambda function, one graph
 * per process, it is that graph's alone.
 */
final class LuceneStores {
    private static final Logger LOG = LogManager.getLogger(LuceneStores.class);

    /** This process's stores. */
    static final LuceneStores PROCESS = new LuceneStores();

    private final Map<Path, LuceneVectorStore> open = new ConcurrentHashMap<>();

    /**
     * The store under {@code directory}, opened on the first call for it; later calls (from any graph) get the same
     * store, and restore nothing more.
     *
     * @param indexes the configured indexes, restored from {@code blobs} when missing on disk
     */
    LuceneVectorStore open(Path directory, Collection<String> indexes, BlobStore blobs) {
        return open.computeIfAbsent(directory.toAbsolutePath(), d -> {
            LuceneVectorStore store = new LuceneVectorStore(new LuceneVectorStore.Settings(d));
            for (String index : indexes) {
                if (!Files.isDirectory(d.resolve(index)) && store.restore(index, blobs)) {
                    LOG.info("restored index {} from its snapshot", index);
                }
            }
            return store;
        });
    }
}

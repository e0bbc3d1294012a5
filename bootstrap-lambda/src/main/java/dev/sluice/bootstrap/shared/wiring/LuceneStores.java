package dev.sluice.bootstrap.shared.wiring;

import dev.sluice.adapter.retrieval.lucene.LuceneVectorStore;
import dev.sluice.domain.port.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * The embedded Lucene stores of a process, one per directory, each opened once: Lucene lets a single writer hold an
 * index directory. On opening, an index missing on disk is restored from the snapshot the ingestor last published,
 * so a cold start serves the corpus as of then.
 *
 * <p>The module uses the one {@link #PROCESS} instance rather than one per object graph: the local runtime and the
 * container worker run several functions' graphs in one JVM, where the ingestor writes the very store the processor
 * searches (a second store on the same directory could not take Lucene's write lock). In a Lambda function, one graph
 * per process, it is that graph's alone.
 *
 * <p>With SnapStart the store opened at init is in the snapshot, and every instance restored from it would serve the
 * corpus as of the publish, however long ago: each store registers a {@link Refresh} that, after a restore, catches
 * each index up with the snapshot the ingestor published since (one small read when nothing changed).
 */
final class LuceneStores {
    private static final Logger LOG = LogManager.getLogger(LuceneStores.class);

    /** This process's stores. */
    static final LuceneStores PROCESS = new LuceneStores();

    private final Map<Path, LuceneVectorStore> open = new ConcurrentHashMap<>();

    /** Held here because CRaC holds its resources weakly. */
    private final List<Refresh> refreshes = new CopyOnWriteArrayList<>();

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
            Refresh refresh = new Refresh(store, List.copyOf(indexes), blobs);
            refreshes.add(refresh);
            Core.getGlobalContext().register(refresh);
            return store;
        });
    }

    /** The refreshes of the stores opened so far, as a restore would run them; for tests. */
    List<Refresh> refreshes() {
        return List.copyOf(refreshes);
    }

    /** After a SnapStart restore, loads the snapshots published since the one the store was restored from at init. */
    static final class Refresh implements Resource {
        private final LuceneVectorStore store;
        private final List<String> indexes;
        private final BlobStore blobs;

        Refresh(LuceneVectorStore store, List<String> indexes, BlobStore blobs) {
            this.store = store;
            this.indexes = indexes;
            this.blobs = blobs;
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {}

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            for (String index : indexes) {
                try {
                    if (store.catchUp(index, blobs)) {
                        LOG.info("index {} caught up after restore with the snapshot published since", index);
                    }
                } catch (RuntimeException e) {
                    // Serving the snapshot's copy is still correct, only older; the next restore tries again.
                    LOG.warn("index {} could not catch up after restore: {}", index, e.toString());
                }
            }
        }
    }
}

package dev.sluice.adapter.retrieval.opensearch;

import dev.sluice.emulators.opensearch.SharedOpenSearchNode;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Starts this JVM's one OpenSearch node before the first class that needs it; a shutdown hook stops it. */
final class OpenSearchNodeExtension implements BeforeAllCallback {
    private static OpenSearchVectorStore store;

    @Override
    public void beforeAll(ExtensionContext context) {
        store();
    }

    /** One client for every test class: the node and its connections outlive the classes. */
    static synchronized OpenSearchVectorStore store() {
        if (store == null) {
            store = new OpenSearchVectorStore(
                    OpenSearchSettings.plain(SharedOpenSearchNode.get().endpoint()));
        }
        return store;
    }
}

package dev.sluice.adapter.retrieval.opensearch;

import java.util.List;
import java.util.Map;

/** A chunk as an OpenSearch document (serialised by Jackson). */
record StoredChunk(
        String id, String tenant, String documentId, String text, List<Float> vector, Map<String, String> metadata) {}

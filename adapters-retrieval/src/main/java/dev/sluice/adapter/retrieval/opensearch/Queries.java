package dev.sluice.adapter.retrieval.opensearch;

import dev.sluice.domain.model.TenantId;
import java.util.Map;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/** The filters the store sends: tenant always, metadata entries as exact keyword matches. */
final class Queries {
    private Queries() {}

    static Query tenantAndMetadata(TenantId tenant, Map<String, String> metadata) {
        return Query.of(q -> q.bool(b -> {
            b.filter(term("tenant", tenant.value()));
            metadata.forEach((k, v) -> b.filter(term("metadata." + k, v)));
            return b;
        }));
    }

    static Query document(TenantId tenant, String documentId) {
        return Query.of(q ->
                q.bool(b -> b.filter(term("tenant", tenant.value())).filter(term("documentId", documentId))));
    }

    private static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(FieldValue.of(value))));
    }
}

package dev.sluice.emulators.pinecone;

import com.google.protobuf.Struct;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.pinecone.proto.DeleteRequest;
import io.pinecone.proto.DeleteResponse;
import io.pinecone.proto.DescribeIndexStatsRequest;
import io.pinecone.proto.DescribeIndexStatsResponse;
import io.pinecone.proto.FetchRequest;
import io.pinecone.proto.FetchResponse;
import io.pinecone.proto.NamespaceSummary;
import io.pinecone.proto.QueryRequest;
import io.pinecone.proto.QueryResponse;
import io.pinecone.proto.ScoredVector;
import io.pinecone.proto.UpsertRequest;
import io.pinecone.proto.UpsertResponse;
import io.pinecone.proto.Vector;
import io.pinecone.proto.VectorServiceGrpc;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The data plane of one index, held in memory: exact cosine search, Pinecone's metadata filter language. */
final class FakeVectorService extends VectorServiceGrpc.VectorServiceImplBase {
    private static final int MAX_UPSERT = 1000;
    private static final int MAX_TOP_K = 10_000;

    private final int dimension;
    private final Map<String, Map<String, Vector>> namespaces = new HashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    FakeVectorService(int dimension) {
        this.dimension = dimension;
    }

    synchronized int count(String namespace) {
        return namespaces.getOrDefault(namespace, Map.of()).size();
    }

    int requests(String method) {
        return requests.getOrDefault(method, new AtomicInteger()).get();
    }

    @Override
    public void upsert(UpsertRequest request, StreamObserver<UpsertResponse> out) {
        answer("upsert", out, () -> {
            if (request.getVectorsCount() > MAX_UPSERT) {
                throw invalid("Request contains " + request.getVectorsCount() + " vectors; the limit is " + MAX_UPSERT);
            }
            for (Vector v : request.getVectorsList()) {
                checkDimension(v.getValuesCount());
            }
            synchronized (this) {
                Map<String, Vector> ns = namespaces.computeIfAbsent(request.getNamespace(), k -> new LinkedHashMap<>());
                request.getVectorsList().forEach(v -> ns.put(v.getId(), v));
            }
            return UpsertResponse.newBuilder()
                    .setUpsertedCount(request.getVectorsCount())
                    .build();
        });
    }

    @Override
    public void query(QueryRequest request, StreamObserver<QueryResponse> out) {
        answer("query", out, () -> {
            if (request.getTopK() < 1 || request.getTopK() > MAX_TOP_K) {
                throw invalid("top_k must be between 1 and " + MAX_TOP_K);
            }
            if (request.getVectorCount() == 0) {
                throw invalid("Exactly one of vector or id must be given");
            }
            checkDimension(request.getVectorCount());
            float[] q = toArray(request.getVectorList());
            List<Vector> candidates;
            synchronized (this) {
                candidates = List.copyOf(namespaces
                        .getOrDefault(request.getNamespace(), Map.of())
                        .values());
            }
            Struct filter = request.getFilter();
            List<ScoredVector> matches = candidates.stream()
                    .filter(v -> MetadataFilter.matches(filter, v.getMetadata()))
                    .map(v -> scored(v, cosine(q, v), request))
                    .sorted(Comparator.comparingDouble(ScoredVector::getScore).reversed())
                    .limit(request.getTopK())
                    .toList();
            return QueryResponse.newBuilder()
                    .addAllMatches(matches)
                    .setNamespace(request.getNamespace())
                    .build();
        });
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
        answer("delete", out, () -> {
            synchronized (this) {
                Map<String, Vector> ns = namespaces.getOrDefault(request.getNamespace(), new HashMap<>());
                if (request.getDeleteAll()) {
                    ns.clear();
                } else if (request.getIdsCount() > 0) {
                    request.getIdsList().forEach(ns::remove);
                } else if (request.hasFilter()) {
                    ns.values().removeIf(v -> MetadataFilter.matches(request.getFilter(), v.getMetadata()));
                } else {
                    throw invalid("Delete needs ids, a filter or delete_all");
                }
            }
            return DeleteResponse.getDefaultInstance();
        });
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchResponse> out) {
        answer("fetch", out, () -> {
            FetchResponse.Builder response = FetchResponse.newBuilder().setNamespace(request.getNamespace());
            synchronized (this) {
                Map<String, Vector> ns = namespaces.getOrDefault(request.getNamespace(), Map.of());
                for (String id : request.getIdsList()) {
                    if (ns.containsKey(id)) {
                        response.putVectors(id, ns.get(id));
                    }
                }
            }
            return response.build();
        });
    }

    @Override
    public void describeIndexStats(DescribeIndexStatsRequest request, StreamObserver<DescribeIndexStatsResponse> out) {
        answer("describeIndexStats", out, () -> {
            DescribeIndexStatsResponse.Builder response =
                    DescribeIndexStatsResponse.newBuilder().setDimension(dimension);
            int total = 0;
            synchronized (this) {
                for (var ns : namespaces.entrySet()) {
                    int n = ns.getValue().size();
                    total += n;
                    response.putNamespaces(
                            ns.getKey(),
                            NamespaceSummary.newBuilder().setVectorCount(n).build());
                }
            }
            return response.setTotalVectorCount(total).build();
        });
    }

    private <T> void answer(String method, StreamObserver<T> out, Supplier<T> work) {
        requests.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
        T response;
        try {
            response = work.get();
        } catch (FilterException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    private void checkDimension(int length) {
        if (length != dimension) {
            throw invalid("Vector dimension " + length + " does not match the dimension of the index " + dimension);
        }
    }

    private static FilterException invalid(String message) {
        return new FilterException(message);
    }

    private static ScoredVector scored(Vector v, float score, QueryRequest request) {
        ScoredVector.Builder b = ScoredVector.newBuilder().setId(v.getId()).setScore(score);
        if (request.getIncludeValues()) {
            b.addAllValues(v.getValuesList());
        }
        if (request.getIncludeMetadata()) {
            b.setMetadata(v.getMetadata());
        }
        return b.build();
    }

    private static float cosine(float[] q, Vector v) {
        double dot = 0, nq = 0, nv = 0;
        for (int i = 0; i < q.length; i++) {
            float x = v.getValues(i);
            dot += q[i] * x;
            nq += q[i] * q[i];
            nv += x * x;
        }
        return nq == 0 || nv == 0 ? 0f : (float) (dot / Math.sqrt(nq * nv));
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** A request Pinecone would answer with {@code INVALID_ARGUMENT}. */
    static final class FilterException extends RuntimeException {
        FilterException(String message) {
            super(message);
        }
    }
}

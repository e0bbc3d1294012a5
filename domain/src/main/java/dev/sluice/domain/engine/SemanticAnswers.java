package dev.sluice.domain.engine;

import dev.sluice.domain.config.IndexSpec;
import dev.sluice.domain.model.Chunk;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.RetrievedChunk;
import dev.sluice.domain.model.SemanticCaching;
import dev.sluice.domain.model.SemanticHit;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.Embedder;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.VectorStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The semantic cache of generate steps ({@link SemanticCaching}): each paid answer's inputs are embedded and kept in
 * the vector store (index {@value #INDEX}, one entry per tenant, frame and inputs), pointing at the answer's entry in
 * the exact-match cache, so an answer is stored once. A later hop asks with its own inputs' embedding, scoped to its
 * tenant and filtered to its frame (everything its prompt holds but the inputs: pipeline, step, model, templates,
 * system prompt, retrieved chunks, earlier steps' outputs, hashed); the closest entries at or above the threshold,
 * not expired, whose words agree ({@link SemanticGuard}) and whose answer is still cached, answer it. Any failure of
 * the embedder, the store or the cache is a miss: the model is asked instead.
 */
public final class SemanticAnswers {
    public static final String INDEX = "sluice-semantic-cache";
    /** Entries looked at per lookup: the closest few, since the guard may refuse the very closest. */
    static final int CANDIDATES = 5;

    static final String FRAME = "semanticFrame";
    static final String ANSWER = "semanticAnswer";
    static final String JOB = "semanticJob";
    static final String EXPIRES = "semanticExpiresAt";

    private final Embedder embedder;
    private final VectorStore store;
    private final CompletionCache cache;
    private final Clock clock;
    private final Telemetry telemetry;
    private volatile boolean indexReady;

    /** @param telemetry told of each lookup or write that failed ({@link Telemetry#semanticCacheFailed}) */
    public SemanticAnswers(
            Embedder embedder, VectorStore store, CompletionCache cache, Clock clock, Telemetry telemetry) {
        this.embedder = embedder;
        this.store = store;
        this.cache = cache;
        this.clock = clock;
        this.telemetry = telemetry;
    }

    /**
     * One hop's question: its tenant, its frame, the text of its inputs, the step's settings and the job asking. The
     * inputs are embedded once, on the first lookup, and the same vector is stored with the answer.
     */
    public static final class Ask {
        private final TenantId tenant;
        private final String frame;
        private final String inputs;
        private final SemanticCaching caching;
        private final JobId job;
        private float[] vector;

        public Ask(TenantId tenant, String frame, String inputs, SemanticCaching caching, JobId job) {
            this.tenant = Objects.requireNonNull(tenant, "'tenant' must not be null");
            this.frame = Objects.requireNonNull(frame, "'frame' must not be null");
            this.inputs = Objects.requireNonNull(inputs, "'inputs' must not be null");
            this.caching = Objects.requireNonNull(caching, "'caching' must not be null");
            this.job = Objects.requireNonNull(job, "'job' must not be null");
        }

        SemanticCaching caching() {
            return caching;
        }

        String frameFor(String model) {
            return Hashes.sha256Hex(frame, model);
        }
    }

    /** An earlier answer for the asking hop. */
    public record Found(Completion completion, SemanticHit hit) {}

    /** The closest earlier answer of this tenant and frame for {@code model}'s call, if one may answer. */
    public Optional<Found> find(Ask ask, String model) {
        try {
            List<RetrievedChunk> near = store.search(
                    INDEX,
                    new VectorStore.Query(ask.tenant, vector(ask), CANDIDATES, Map.of(FRAME, ask.frameFor(model))));
            Instant now = clock.instant();
            for (RetrievedChunk entry : near) {
                if (entry.score() < ask.caching.threshold()) {
                    break;
                }
                String expires = entry.metadata().get(EXPIRES);
                if (expires == null || !now.isBefore(Instant.ofEpochSecond(Long.parseLong(expires)))) {
                    continue;
                }
                if (!SemanticGuard.compatible(entry.text(), ask.inputs)) {
                    continue;
                }
                Optional<Completion> answer =
                        Optional.ofNullable(entry.metadata().get(ANSWER)).flatMap(cache::get);
                if (answer.isPresent()) {
                    return Optional.of(new Found(
                            answer.get(),
                            new SemanticHit(
                                    Math.min(1.0, entry.score()),
                                    new JobId(entry.metadata().get(JOB)))));
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            // The embedder, the store or the cache cannot answer: a miss, and the model is the fallback.
            telemetry.semanticCacheFailed("lookup", e);
            return Optional.empty();
        }
    }

    /**
     * Keeps the paid answer at {@code answerKey} (its exact-match cache entry) for later hops of this tenant and
     * frame, for {@code ttl}. A failure to keep it costs only a later hit.
     */
    public void remember(Ask ask, String model, String answerKey, Duration ttl) {
        try {
            float[] vector = vector(ask);
            if (!indexReady) {
                store.ensureIndex(new IndexSpec(INDEX, vector.length, 1000, 0));
                indexReady = true;
            }
            String frame = ask.frameFor(model);
            Instant expires = clock.instant().plus(ttl);
            store.upsert(
                    INDEX,
                    List.of(new Chunk(
                            Hashes.sha256Hex("semantic", ask.tenant.value(), frame, ask.inputs),
                            ask.tenant,
                            "semantic-cache",
                            ask.inputs,
                            vector,
                            Map.of(
                                    FRAME,
                                    frame,
                                    ANSWER,
                                    answerKey,
                                    JOB,
                                    ask.job.value(),
                                    EXPIRES,
                                    Long.toString(expires.getEpochSecond())))));
        } catch (RuntimeException e) {
            // Not kept: a later paraphrase pays for its own call.
            telemetry.semanticCacheFailed("write", e);
        }
    }

    /** How long an answer serves later hops: the step's own TTL, never longer than the exact entry it points at. */
    public static Duration ttl(SemanticCaching caching, Duration cacheTtl) {
        return caching.ttl().filter(t -> t.compareTo(cacheTtl) < 0).orElse(cacheTtl);
    }

    private float[] vector(Ask ask) {
        if (ask.vector == null) {
            ask.vector = embedder.embed(List.of(ask.inputs)).getFirst();
        }
        return ask.vector;
    }
}

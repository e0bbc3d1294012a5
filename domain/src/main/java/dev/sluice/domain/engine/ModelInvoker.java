package dev.sluice.domain.engine;

import dev.sluice.domain.config.Budget;
import dev.sluice.domain.config.EngineSettings;
import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.config.TenantPolicy;
import dev.sluice.domain.model.BatchRoute;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.Hashes;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.Pipeline;
import dev.sluice.domain.model.Prices;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.SemanticHit;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.CircuitOpenException;
import dev.sluice.domain.port.CompletionCache;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.RateLimiter;
import dev.sluice.domain.port.SpendLedger;
import dev.sluice.domain.port.Telemetry;
import dev.sluice.domain.port.ThrottledException;
import dev.sluice.domain.port.TransientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One model call as the pipeline sees it: the cache first, then the tenant's budget (the call's worst case is held
 * against it), then admission by the rate limiter, then the model, walking the alias's fallback chain when a model
 * fails permanently or its circuit is open. What an answer cost replaces the hold in the spend ledger.
 */
final class ModelInvoker {
    private final SluiceConfig config;
    private final CompletionCache cache;
    private final SemanticAnswers semantic;
    private final RateLimiter limiter;
    private final SpendLedger ledger;
    private final LanguageModel model;
    private final Telemetry telemetry;
    private final Clock clock;
    private final Pause pause;
    private final ParkedCalls parked;

    ModelInvoker(
            SluiceConfig config,
            CompletionCache cache,
            ParkedCalls parked,
            SemanticAnswers semantic,
            RateLimiter limiter,
            SpendLedger ledger,
            LanguageModel model,
            Telemetry telemetry,
            Clock clock,
            Pause pause) {
        this.config = config;
        this.cache = cache;
        this.parked = parked;
        this.semantic = semantic;
        this.limiter = limiter;
        this.ledger = ledger;
        this.model = model;
        this.telemetry = telemetry;
        this.clock = clock;
        this.pause = pause;
    }

    /**
     * Waits for a grant's start: at most the limiter's {@code maxWait} (two seconds by default), far less than
     * sending the work back through the queue would cost. Tests move their clock instead.
     */
    @FunctionalInterface
    interface Pause {
        void until(Instant start, Clock clock) throws InterruptedException;

        Pause SLEEP = (start, clock) -> {
            long ms = Duration.between(clock.instant(), start).toMillis();
            if (ms > 0) {
                Thread.sleep(ms);
            }
        };
    }

    /** What one invocation came to. */
    sealed interface Result {
        /**
         * @param fallbacks the models skipped before this one answered, each with its failure in a few words
         * @param errors for operators only: why each skipped model failed, in the provider's own words
         * @param cacheHit answered from the cache
         * @param disclosed whether the tenant may be told it was a hit: only when the entry was its own
         * @param semantic when the semantic cache answered: how alike, and whose answer
         * @param batched answered through the provider's batch API, and priced at its batch prices
         */
        record Answered(
                Completion completion,
                ModelSpec model,
                List<String> fallbacks,
                List<String> errors,
                boolean cacheHit,
                boolean disclosed,
                Optional<SemanticHit> semantic,
                boolean batched)
                implements Result {
            Answered(
                    Completion completion,
                    ModelSpec model,
                    List<String> fallbacks,
                    List<String> errors,
                    boolean cacheHit,
                    boolean disclosed,
                    Optional<SemanticHit> semantic) {
                this(completion, model, fallbacks, errors, cacheHit, disclosed, semantic, false);
            }

            /** The prices the answer was paid at. */
            Prices prices() {
                return batched ? model.batch().orElseThrow().prices() : model.prices();
            }
        }

        /**
         * The call waits in its model's batch: the hop looks again after {@code recheck}.
         *
         * @param lineKey the line it waits on, when it is parked (not when the store could not be read or written)
         */
        record Parked(Duration recheck, String reason, Optional<String> lineKey) implements Result {
            Parked(Duration recheck, String reason) {
                this(recheck, reason, Optional.empty());
            }
        }

        record Throttled(Duration retryAfter, String reason) implements Result {}

        /** The tenant's budget would not cover the call: its job fails or the hop waits, as the budget says. */
        record OverBudget(SpendLedger.Hold.Refused refused, Budget.OverBudget then) implements Result {}

        /**
         * @param reason what the tenant reads: which model failed and how, without the provider's words
         * @param details for operators only: each failed model's failure in the provider's own words
         */
        record Unavailable(String reason, List<String> details, boolean worthRetrying) implements Result {}
    }

    Result invoke(
            String pipeline,
            String alias,
            String system,
            String prompt,
            CorrelationId correlationId,
            TenantId tenant,
            Priority priority,
            Pipeline.CacheScope cacheScope,
            Optional<SemanticAnswers.Ask> similar,
            Optional<Instant> batchBy,
            Optional<String> parkedOn) {
        parkedOn.filter(line -> !stillAsked(line, alias, system, prompt, tenant, batchBy))
                .ifPresent(line -> letGo(line, tenant));
        List<String> skipped = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        // Tenant-scoped entries are keyed by the tenant: no tenant is ever answered from another's entry.
        String scope = cacheScope == Pipeline.CacheScope.SHARED ? "shared" : "tenant:" + tenant.value();
        boolean lastWorthRetrying = false;
        for (String candidate : config.fallbackChain(alias)) {
            ModelSpec spec = config.model(candidate).orElseThrow();
            ModelCall call = new ModelCall(spec, system, prompt, correlationId);
            String key = cacheKey(scope, call);
            Optional<Completion> cached = lookup(key);
            TenantPolicy policy = config.tenantPolicy(tenant);
            if (cached.isPresent()) {
                boolean disclosed = cacheScope == Pipeline.CacheScope.TENANT;
                if (!disclosed) {
                    // Another tenant's entry is charged at the answer's price, so it is held and spent like a call.
                    Cost price = spec.prices().costOf(cached.get().usage());
                    switch (ledger.hold(tenant, policy.budget(), price, clock.instant())) {
                        case SpendLedger.Hold.Refused refused -> {
                            return overBudget(refused, policy);
                        }
                        case SpendLedger.Hold.Held held ->
                            spent(
                                    held,
                                    new SpendLedger.Spend(
                                            pipeline, candidate, cached.get().usage(), price));
                    }
                }
                return new Result.Answered(cached.get(), spec, skipped, errors, true, disclosed, Optional.empty());
            }
            if (similar.isPresent() && !config.engine().cacheTtl().isZero()) {
                // The tenant's own earlier answer, to inputs that say the same in other words: free, and disclosed.
                Optional<SemanticAnswers.Found> found = semantic.find(similar.get(), modelIdentity(spec));
                telemetry.semanticLookup(found.isPresent());
                if (found.isPresent()) {
                    return new Result.Answered(
                            found.get().completion(),
                            spec,
                            skipped,
                            errors,
                            true,
                            true,
                            Optional.of(found.get().hit()));
                }
            }
            // The route is taken when its answer (with the hop's grace hour to spare) comes before the deadline; a
            // call this hop already parked keeps it, whatever the time now, so its line is picked up and settled.
            Optional<BatchRoute> route = spec.batch()
                    .filter(b -> batchBy.isPresent()
                            && parked != ParkedCalls.NONE
                            && (!b.answeredBy(clock.instant())
                                            .plus(BatchRoute.GRACE)
                                            .isAfter(batchBy.get())
                                    || parkedOn.filter(lineKey(tenant, call)::equals)
                                            .isPresent()));
            if (route.isPresent()) {
                Optional<Result> batched =
                        throughBatch(pipeline, candidate, spec, call, key, route.get(), tenant, policy);
                if (batched.isPresent()) {
                    if (batched.get() instanceof Result.Answered a) {
                        similar.ifPresent(ask -> remember(ask, modelIdentity(spec), key));
                        return new Result.Answered(
                                a.completion(),
                                spec,
                                skipped,
                                errors,
                                a.cacheHit(),
                                a.disclosed(),
                                Optional.empty(),
                                a.batched());
                    }
                    return batched.get();
                }
            }
            SpendLedger.Hold.Held held;
            switch (ledger.hold(tenant, policy.budget(), worstCase(call), clock.instant())) {
                case SpendLedger.Hold.Refused refused -> {
                    return overBudget(refused, policy);
                }
                case SpendLedger.Hold.Held h -> held = h;
            }
            boolean settled = false;
            try {
                Optional<RateLimiter.Permit> permit = Optional.empty();
                if (spec.limits().isLimited() || policy.quota().isLimited()) {
                    RateLimiter.Ask ask = new RateLimiter.Ask(
                            spec.limiterKey(), spec.limits(), estimate(call), tenant, policy, priority);
                    switch (limiter.tryAcquire(ask)) {
                        case RateLimiter.Admission.Granted granted -> permit = Optional.of(granted.permit());
                        case RateLimiter.Admission.Denied denied -> {
                            telemetry.throttled(candidate);
                            return new Result.Throttled(denied.retryAfter(), candidate + ": " + denied.reason());
                        }
                    }
                    if (!waitFor(permit.get())) {
                        settleUnused(permit);
                        return new Result.Unavailable(
                                "the call to model '" + candidate + "' was interrupted while waiting for admission",
                                List.of("interrupted while waiting for admission to " + candidate),
                                true);
                    }
                }
                Instant started = clock.instant();
                try {
                    Completion completion = model.complete(call);
                    // Cached first, before anything else can fail: a delivery that dies from here on is answered from
                    // the cache when it comes back, so the call is not paid twice.
                    store(key, completion);
                    similar.ifPresent(ask -> remember(ask, modelIdentity(spec), key));
                    Duration latency = Duration.between(started, clock.instant());
                    permit.ifPresent(p -> limiter.settle(p, completion.usage()));
                    Cost cost = spec.prices().costOf(completion.usage());
                    settled = true;
                    spent(held, new SpendLedger.Spend(pipeline, candidate, completion.usage(), cost));
                    if (completion.reported().isKnown()) {
                        limiter.observe(
                                spec.limiterKey(),
                                spec.limits(),
                                new RateLimiter.Signal.Reported(completion.reported()));
                    }
                    telemetry.modelCalled(candidate, completion.modelId(), latency, completion.usage(), cost);
                    if (!skipped.isEmpty()) {
                        telemetry.fallbackUsed(alias, candidate);
                    }
                    return new Result.Answered(completion, spec, skipped, errors, false, false, Optional.empty());
                } catch (ThrottledException e) {
                    settleUnused(permit);
                    // Every client of this model slows down, not only the next call of this one.
                    limiter.observe(spec.limiterKey(), spec.limits(), new RateLimiter.Signal.Refused(e.retryAfter()));
                    if (e.reported().isKnown()) {
                        limiter.observe(
                                spec.limiterKey(), spec.limits(), new RateLimiter.Signal.Reported(e.reported()));
                    }
                    telemetry.throttled(candidate);
                    return new Result.Throttled(e.retryAfter(), candidate + " throttled: " + e.getMessage());
                } catch (CircuitOpenException e) {
                    settleUnused(permit);
                    skip(candidate, e, skipped, reasons, errors);
                    lastWorthRetrying = true;
                } catch (PermanentException e) {
                    settleUnused(permit);
                    skip(candidate, e, skipped, reasons, errors);
                    lastWorthRetrying = false;
                } catch (TransientException e) {
                    settleUnused(permit);
                    reasons.add(Failures.said(provider(candidate), e));
                    errors.add("model '" + candidate + "': " + Failures.detail(e));
                    return new Result.Unavailable(unavailable(reasons), errors, true);
                } catch (RuntimeException e) {
                    // An adapter that threw something unclassified: permanent for this model, the chain may still
                    // answer.
                    settleUnused(permit);
                    skip(candidate, e, skipped, reasons, errors);
                    lastWorthRetrying = false;
                }
            } finally {
                if (!settled) {
                    released(held);
                }
            }
        }
        return new Result.Unavailable(unavailable(reasons), errors, lastWorthRetrying);
    }

    /**
     * A call through the model's batch. On its first look it holds its worst case at the batch prices against the
     * tenant's budget (refused: the budget's fail-or-wait) and parks; the hold stays while it waits, so parked calls
     * never promise more than the budget has. Each later look reads its line: once answered, the one hop that claims
     * the line caches the answer and settles the hold with its cost at batch prices; any other hop of the tenant with
     * the same call is answered free, as from the cache. Empty when the call is to be made live (the hold released
     * first): its line errored in a way asking again may help, it waited past its model's batch window, or the store
     * cannot hold it.
     *
     * <p>Lines are the tenant's own, whatever the pipeline's cache scope, so a hold is always its parker's.
     */
    private Optional<Result> throughBatch(
            String pipeline,
            String alias,
            ModelSpec spec,
            ModelCall call,
            String key,
            BatchRoute route,
            TenantId tenant,
            TenantPolicy policy) {
        Instant now = clock.instant();
        String lineKey = lineKey(tenant, call);
        Cost worst = worstCase(call, route.prices());
        Optional<ParkedCalls.Line> found;
        try {
            found = parked.line(lineKey);
        } catch (TransientException e) {
            return Optional.of(
                    new Result.Parked(BUDGET_RECHECK, "the batch of model '" + alias + "' could not be read"));
        }
        if (found.isEmpty()) {
            return park(alias, call, lineKey, route, tenant, policy, worst, now);
        }
        ParkedCalls.Line line = found.get();
        SpendLedger.Hold.Held hold = new SpendLedger.Hold.Held(
                tenant,
                policy.budget(),
                SpendLedger.day(line.parkedAt()),
                policy.budget().isLimited() ? worst : Cost.ZERO);
        try {
            return pickUp(pipeline, alias, spec, key, lineKey, route, line, hold, now);
        } catch (TransientException e) {
            return Optional.of(
                    new Result.Parked(BUDGET_RECHECK, "the batch of model '" + alias + "' could not be read"));
        }
    }

    /** A parked call's later look: still waiting, or its line's outcome taken (by this hop, or by another). */
    private Optional<Result> pickUp(
            String pipeline,
            String alias,
            ModelSpec spec,
            String key,
            String lineKey,
            BatchRoute route,
            ParkedCalls.Line line,
            SpendLedger.Hold.Held hold,
            Instant now) {
        switch (line.state()) {
            case WAITING -> {
                if (!now.isAfter(route.answeredBy(line.parkedAt()).plus(BatchRoute.GRACE))) {
                    return Optional.of(parkedUntil(route, line.slot(), alias, line.parkedAt(), lineKey));
                }
                if (parked.claim(lineKey)) {
                    released(hold);
                }
                return Optional.empty();
            }
            case ERRORED -> {
                if (parked.claim(lineKey)) {
                    released(hold);
                }
                ParkedCalls.LineError error = line.error().orElseThrow();
                if (!error.permanent()) {
                    return Optional.empty();
                }
                PermanentException e = new PermanentException(error.detail(), error.kind(), error.status(), null);
                return Optional.of(new Result.Unavailable(
                        Failures.said(provider(alias), e),
                        List.of("model '" + alias + "' in its batch: " + Failures.detail(e)),
                        false));
            }
            case ANSWERED -> {
                Completion completion = line.answer().orElseThrow();
                if (!parked.claim(lineKey)) {
                    // Another hop of the tenant's took this answer and paid for it: this one is a cache hit.
                    return Optional.of(new Result.Answered(
                            completion, spec, List.of(), List.of(), true, true, Optional.empty(), false));
                }
                // Cached first, as a live answer is: a delivery that dies from here on is answered from the cache.
                store(key, completion);
                Cost cost = route.prices().costOf(completion.usage());
                spent(hold, new SpendLedger.Spend(pipeline, alias, completion.usage(), cost));
                telemetry.batchAnswered(alias, completion.modelId(), completion.usage(), cost);
                return Optional.of(new Result.Answered(
                        completion, spec, List.of(), List.of(), false, false, Optional.empty(), true));
            }
        }
        throw new IllegalStateException("unknown line state " + line.state());
    }

    /**
     * A call's first look: its hold, then its line; a hold not needed (another hop parked it first, or the line could
     * not be written) is released. Empty when the store cannot hold the call (too large to park): it is asked live.
     */
    private Optional<Result> park(
            String alias,
            ModelCall call,
            String lineKey,
            BatchRoute route,
            TenantId tenant,
            TenantPolicy policy,
            Cost worst,
            Instant now) {
        SpendLedger.Hold.Held held;
        switch (ledger.hold(tenant, policy.budget(), worst, now)) {
            case SpendLedger.Hold.Refused refused -> {
                return Optional.of(overBudget(refused, policy));
            }
            case SpendLedger.Hold.Held h -> held = h;
        }
        ParkedCalls.Line line =
                ParkedCalls.Line.waiting(lineKey, alias, call.system(), call.prompt(), now, route.slot(now));
        ParkedCalls.Line stored;
        try {
            stored = parked.park(line);
        } catch (TransientException e) {
            released(held);
            return Optional.of(
                    new Result.Parked(BUDGET_RECHECK, "the batch of model '" + alias + "' could not be written"));
        } catch (PermanentException e) {
            released(held);
            return Optional.empty();
        }
        if (!stored.equals(line)) {
            released(held); // parked by another hop a moment before: its hold covers the call
        } else {
            telemetry.batchParked(alias);
        }
        return Optional.of(parkedUntil(route, stored.slot(), alias, stored.parkedAt(), lineKey));
    }

    /**
     * Whether the call a hop asks now is the one it parked: the line of one of its chain's batch routes, and batch
     * mode still applies. Worked out from the call itself, so the usual look reads nothing more.
     */
    private boolean stillAsked(
            String lineKey, String alias, String system, String prompt, TenantId tenant, Optional<Instant> batchBy) {
        return batchBy.isPresent()
                && config.fallbackChain(alias).stream()
                        .map(a -> config.model(a).orElseThrow())
                        .filter(m -> m.batch().isPresent())
                        .anyMatch(m -> lineKey(tenant, new ModelCall(m, system, prompt, CorrelationId.random()))
                                .equals(lineKey));
    }

    /** A parked call's line: the exact cache's key with the tenant's scope, whatever the pipeline's cache scope. */
    private static String lineKey(TenantId tenant, ModelCall call) {
        return cacheKey("tenant:" + tenant.value(), call);
    }

    /**
     * A hop that parked a call and comes back asking another (its retrieval found other chunks, its configuration
     * changed, its route no longer applies) lets the old line go: the hold it took for it is released, once, by
     * whichever hop claims that line. Nothing else would ever settle it.
     */
    void letGo(String lineKey, TenantId tenant) {
        try {
            Optional<ParkedCalls.Line> old = parked.line(lineKey);
            if (old.isEmpty()) {
                return;
            }
            Optional<ModelSpec> spec = config.model(old.get().alias());
            if (spec.isEmpty() || spec.get().batch().isEmpty() || !parked.claim(lineKey)) {
                return; // the model or its route is gone from the configuration: its prices are unknown now
            }
            TenantPolicy policy = config.tenantPolicy(tenant);
            ModelCall then =
                    new ModelCall(spec.get(), old.get().system(), old.get().prompt(), CorrelationId.random());
            released(new SpendLedger.Hold.Held(
                    tenant,
                    policy.budget(),
                    SpendLedger.day(old.get().parkedAt()),
                    policy.budget().isLimited()
                            ? worstCase(then, spec.get().batch().get().prices())
                            : Cost.ZERO));
        } catch (TransientException e) {
            // The store cannot say now: the hold stays counted (the budget's period ends it), erring on spending less.
        }
    }

    /**
     * A parked call looks again a window after its own ends (when the batcher has sent it), then less often the longer
     * it waits (a quarter of its age, at least a window; the engine's longest deferral caps it), so a day's wait costs
     * about a hundred looks, not a look per window.
     */
    private Result parkedUntil(BatchRoute route, long slot, String alias, Instant parkedAt, String lineKey) {
        Instant now = clock.instant();
        Duration toEnd = Duration.between(now, route.slotEnds(slot));
        Duration quarter = Duration.between(parkedAt, now).dividedBy(4);
        Duration recheck = !toEnd.isNegative()
                ? toEnd.plus(route.every())
                : quarter.compareTo(route.every()) > 0 ? quarter : route.every();
        return new Result.Parked(recheck, "waiting in the batch of model '" + alias + "'", Optional.of(lineKey));
    }

    /**
     * A budget spent out ends the hop as the tenant's budget says; one only held by calls running now has room again
     * once they settle, so the hop comes back shortly, whatever the budget says.
     */
    private Result overBudget(SpendLedger.Hold.Refused refused, TenantPolicy policy) {
        if (!refused.spentOut()) {
            return new Result.Throttled(BUDGET_RECHECK, refused.reason());
        }
        telemetry.overBudget(refused.period().adjective);
        return new Result.OverBudget(refused, policy.budget().overBudget());
    }

    /** How soon a hop whose budget is held by running calls looks again: about as long as a call takes. */
    static final Duration BUDGET_RECHECK = Duration.ofSeconds(5);

    /**
     * The answer is paid for: what the ledger failed to record is counted, not retried, since the hop's memo is what
     * must not be lost (the hold, at least the cost, stays counted against the budget).
     */
    private void spent(SpendLedger.Hold.Held held, SpendLedger.Spend spend) {
        try {
            ledger.settle(held, spend);
        } catch (TransientException e) {
            telemetry.spendUnrecorded();
        }
    }

    private void released(SpendLedger.Hold.Held held) {
        try {
            ledger.release(held);
        } catch (TransientException e) {
            telemetry.spendUnrecorded();
        }
    }

    private static String unavailable(List<String> reasons) {
        return switch (reasons.size()) {
            case 0 -> "no model is configured to answer";
            case 1 -> reasons.getFirst();
            default -> "no model could answer: " + String.join("; ", reasons);
        };
    }

    /** A model of the chain that failed: the next one is tried; the tenant is told how, the operator why. */
    private static void skip(
            String candidate, RuntimeException e, List<String> skipped, List<String> reasons, List<String> errors) {
        skipped.add(candidate + " (" + Failures.label(e) + ")");
        reasons.add(Failures.said(provider(candidate), e));
        errors.add("model '" + candidate + "': " + Failures.detail(e));
    }

    /** Who answers for a model alias, as a tenant reads it. */
    static String provider(String alias) {
        return "the provider of model '" + alias + "'";
    }

    private boolean waitFor(RateLimiter.Permit permit) {
        try {
            pause.until(permit.notBefore(), clock);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A request the provider refused still counts as a request, but consumed no tokens. */
    private void settleUnused(Optional<RateLimiter.Permit> permit) {
        permit.ifPresent(p -> limiter.settle(p, TokenUsage.ZERO));
    }

    private Optional<Completion> lookup(String key) {
        EngineSettings engine = config.engine();
        if (engine.cacheTtl().isZero()) {
            return Optional.empty();
        }
        Optional<Completion> hit;
        try {
            hit = cache.get(key);
        } catch (TransientException e) {
            // A cache that cannot answer is a miss: the model call is the fallback, not a failure.
            hit = Optional.empty();
        }
        telemetry.cacheLookup(hit.isPresent());
        return hit;
    }

    private void store(String key, Completion completion) {
        if (config.engine().cacheTtl().isZero()) {
            return;
        }
        try {
            cache.put(key, completion, config.engine().cacheTtl());
        } catch (TransientException e) {
            // The answer is already paid for and memoised on the job; losing the cache entry costs only a future hit.
        }
    }

    private void remember(SemanticAnswers.Ask ask, String model, String key) {
        if (!config.engine().cacheTtl().isZero()) {
            semantic.remember(
                    ask,
                    model,
                    key,
                    SemanticAnswers.ttl(ask.caching(), config.engine().cacheTtl()));
        }
    }

    /** What makes one model's answers differ from another's, as the exact cache's key counts it. */
    static String modelIdentity(ModelSpec m) {
        return String.join(
                "\n",
                m.alias(),
                m.provider(),
                m.modelId(),
                Double.toString(m.temperature()),
                Integer.toString(m.maxOutputTokens()));
    }

    static String cacheKey(String scope, ModelCall call) {
        ModelSpec m = call.model();
        return Hashes.sha256Hex(
                scope,
                m.provider(),
                m.modelId(),
                Double.toString(m.temperature()),
                Integer.toString(m.maxOutputTokens()),
                call.system(),
                call.prompt());
    }

    /**
     * The most a call can cost, held against the tenant's budget: no tokenizer makes more input tokens than the
     * prompt has UTF-8 bytes (plus a few for the chat format), and the output stops at its maximum.
     */
    static Cost worstCase(ModelCall call) {
        return worstCase(call, call.model().prices());
    }

    static Cost worstCase(ModelCall call, Prices prices) {
        long bytes = call.system().getBytes(StandardCharsets.UTF_8).length
                + call.prompt().getBytes(StandardCharsets.UTF_8).length;
        ModelSpec m = call.model();
        return prices.costOf(new TokenUsage(bytes + CHAT_FORMAT_TOKENS, m.maxOutputTokens()));
    }

    /** What a chat request adds to its messages' tokens (roles, separators), with room to spare. */
    static final long CHAT_FORMAT_TOKENS = 32;

    /** About four characters per token for input; the output is reserved at its maximum and settled later. */
    static TokenUsage estimate(ModelCall call) {
        long inputChars = call.system().length() + call.prompt().length();
        return new TokenUsage((inputChars + 3) / 4, call.model().maxOutputTokens());
    }
}

package dev.sluice.domain.fake;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A provider's batch API in memory: a batch ends {@code processing} after it is sent, answering each line as the
 * scripted live model would; lines can be scripted to error, and batches to expire with nothing answered.
 */
public final class ScriptedBatchModel implements BatchModel {
    private final Clock clock;
    private Duration processing = Duration.ofMinutes(10);
    private final Map<String, Sent> batches = new LinkedHashMap<>();
    private final Map<String, ParkedCalls.LineError> lineErrors = new HashMap<>();
    private final Set<String> expiring = new HashSet<>();
    private int expireNext;
    private int refuseNext;
    private int minimumLines = 1;
    private final Set<String> forgotten = new HashSet<>();
    private Function<Request, String> answer =
            r -> "batched answer to: " + r.prompt().strip();

    /** One batch as the provider got it. */
    public record Sent(String id, ModelSpec model, String submissionId, List<Request> requests, Instant at) {}

    public ScriptedBatchModel(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized String submit(ModelSpec model, String submissionId, List<Request> requests) {
        if (refuseNext > 0) {
            refuseNext--;
            throw new PermanentException("401 from the batch API: invalid key", FailureKind.UNAUTHORIZED, 401, null);
        }
        if (requests.size() < minimumLines) {
            throw new PermanentException(
                    "a batch takes at least " + minimumLines + " requests", FailureKind.INVALID_REQUEST, 400, null);
        }
        String id = "batch_" + (batches.size() + 1);
        batches.put(id, new Sent(id, model, submissionId, List.copyOf(requests), clock.instant()));
        if (expireNext > 0) {
            expireNext--;
            expiring.add(id);
        }
        return id;
    }

    @Override
    public synchronized Status status(ModelSpec model, String batchId) {
        if (forgotten.contains(batchId)) {
            throw new PermanentException("404: no such batch " + batchId, FailureKind.NOT_FOUND, 404, null);
        }
        Sent sent = batches.get(batchId);
        if (clock.instant().isBefore(sent.at().plus(processing))) {
            return new Status.Running();
        }
        if (expiring.contains(batchId)) {
            return new Status.Ended(List.of(), true);
        }
        List<Result> results = new ArrayList<>();
        for (Request r : sent.requests()) {
            ParkedCalls.LineError error = lineErrors.get(r.prompt().strip());
            if (error != null) {
                results.add(new Result.Errored(r.customId(), error));
            } else {
                String text = answer.apply(r);
                long in = (r.system().length() + r.prompt().length()) / 4 + 1;
                results.add(new Result.Answered(
                        r.customId(),
                        new Completion(
                                text,
                                new TokenUsage(in, text.length() / 4 + 1),
                                model.modelId(),
                                "stop",
                                "{\"batch\":\"" + batchId + "\"}")));
            }
        }
        return new Status.Ended(results, false);
    }

    public synchronized ScriptedBatchModel processing(Duration processing) {
        this.processing = processing;
        return this;
    }

    /** The line whose prompt is {@code prompt} comes back with this error. */
    public synchronized ScriptedBatchModel errorLine(String prompt, ParkedCalls.LineError error) {
        lineErrors.put(prompt, error);
        return this;
    }

    /** The next {@code n} batches sent expire with no line answered. */
    public synchronized ScriptedBatchModel expireNext(int n) {
        expireNext += n;
        return this;
    }

    /** The next {@code n} batches are refused as a whole (401). */
    /** The provider takes batches of at least {@code lines} calls, and refuses smaller ones. */
    public synchronized ScriptedBatchModel minimumLines(int lines) {
        this.minimumLines = lines;
        return this;
    }

    @Override
    public synchronized int minimumLines(ModelSpec model) {
        return minimumLines;
    }

    public synchronized ScriptedBatchModel refuseNext(int n) {
        refuseNext += n;
        return this;
    }

    /** The provider answers 404 for every batch sent so far. */
    public synchronized ScriptedBatchModel forgetAll() {
        forgotten.addAll(batches.keySet());
        return this;
    }

    public synchronized ScriptedBatchModel answerWith(Function<Request, String> answer) {
        this.answer = answer;
        return this;
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(batches.values());
    }
}

package dev.sluice.domain.engine;

import dev.sluice.domain.config.SluiceConfig;
import dev.sluice.domain.model.BatchRoute;
import dev.sluice.domain.model.ModelSpec;
import dev.sluice.domain.port.BatchModel;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.PermanentException;
import dev.sluice.domain.port.PortException;
import dev.sluice.domain.port.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The batcher, run on a schedule (every model's {@code every} or more often): for each model with a batch route,
 * sends each window that has ended as one provider batch, and reads the batches that have ended onto their lines,
 * where the parked hops find them.
 *
 * <p>Results are written onto their lines before their submission is closed, so a batcher killed in between reads
 * them again on its next run (the providers keep a batch's results) and writes the same: a line is answered once,
 * and its hop pays for it once. Lines a batch left unanswered (it expired or was cancelled) go into the current
 * window once more; a second time, they are errored so that their hops ask live.
 */
public final class BatchWindowService {
    /** How many ended windows a batcher with no cursor yet looks back at. */
    static final int FIRST_LOOK_BACK = 2;

    /**
     * How long after a window ends it is sent: a processor that read the clock just before the end may still be
     * writing its line.
     */
    static final Duration SETTLE = Duration.ofSeconds(10);

    private final SluiceConfig config;
    private final ParkedCalls parked;
    private final BatchModel batches;
    private final Telemetry telemetry;
    private final Clock clock;

    public BatchWindowService(
            SluiceConfig config, ParkedCalls parked, BatchModel batches, Telemetry telemetry, Clock clock) {
        this.config = config;
        this.parked = parked;
        this.batches = batches;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /**
     * What one run did.
     *
     * @param failures each model whose batches could not be sent or read this time, and why (the next run tries
     *     again)
     */
    public record Tick(
            int submitted, int linesSent, int answered, int errored, int resent, int carried, List<String> failures) {
        public Tick {
            failures = List.copyOf(failures);
        }
    }

    /** The models with a batch route, by alias. */
    public List<ModelSpec> batchModels() {
        return new TreeMap<>(config.models())
                .values().stream().filter(m -> m.batch().isPresent()).toList();
    }

    public Tick tick() {
        Counts counts = new Counts();
        for (ModelSpec model : batchModels()) {
            try {
                send(model, counts);
                read(model, counts);
            } catch (PortException e) {
                counts.failures.add(model.alias() + ": " + e.getMessage());
            }
        }
        return new Tick(
                counts.submitted,
                counts.linesSent,
                counts.answered,
                counts.errored,
                counts.resent,
                counts.carried,
                counts.failures);
    }

    private static final class Counts {
        int submitted;
        int linesSent;
        int answered;
        int errored;
        int resent;
        int carried;
        final List<String> failures = new ArrayList<>();
    }

    /** Every window of the model that has ended since the last one sent: its waiting lines, as one batch. */
    private void send(ModelSpec model, Counts counts) {
        BatchRoute route = model.batch().orElseThrow();
        Duration settle = SETTLE.compareTo(route.every().dividedBy(2)) < 0
                ? SETTLE
                : route.every().dividedBy(2);
        long current = route.slot(clock.instant().minus(settle));
        long from = parked.cursor(model.alias()).map(c -> c + 1).orElse(current - FIRST_LOOK_BACK);
        for (long slot = from; slot < current; slot++) {
            if (parked.submission(model.alias(), slot).isEmpty()) {
                List<ParkedCalls.Line> waiting = waitingIn(model.alias(), slot);
                int minimum = batches.minimumLines(model);
                if (!waiting.isEmpty() && waiting.size() < minimum) {
                    company(model, current, waiting, minimum, counts);
                    waiting = List.of();
                }
                if (!waiting.isEmpty()) {
                    List<BatchModel.Request> requests = waiting.stream()
                            .map(l -> new BatchModel.Request(l.key(), l.system(), l.prompt()))
                            .toList();
                    String batchId;
                    try {
                        batchId = batches.submit(model, submissionId(model.alias(), slot), requests);
                    } catch (PermanentException e) {
                        // The provider refused the batch itself (its credentials, its format): sending it again will
                        // not help, so its lines are asked live, where each gets its own answer or reason.
                        for (ParkedCalls.Line line : waiting) {
                            parked.error(
                                    line.key(),
                                    new ParkedCalls.LineError(
                                            e.kind(),
                                            false,
                                            e.status().orElse(0),
                                            "the provider refused the batch: " + e.getMessage()));
                        }
                        counts.errored += waiting.size();
                        counts.failures.add(model.alias() + ": window " + slot + " refused, its lines asked live: "
                                + e.getMessage());
                        parked.advance(model.alias(), slot);
                        continue;
                    }
                    parked.submitted(new ParkedCalls.Submission(
                            model.alias(), slot, batchId, requests.size(), clock.instant(), true));
                    telemetry.batchSubmitted(model.alias(), requests.size());
                    counts.submitted++;
                    counts.linesSent += requests.size();
                }
            }
            parked.advance(model.alias(), slot);
        }
    }

    /**
     * A window with fewer calls than the provider takes in a batch: each call that can still wait goes into the
     * current window, to be sent with what comes; one parked so long ago that a batch sent after the next window could
     * answer it only after its hop stops waiting ({@link BatchRoute#GRACE} past the route's own wait) is asked live.
     */
    private void company(ModelSpec model, long current, List<ParkedCalls.Line> waiting, int minimum, Counts counts) {
        for (ParkedCalls.Line line : waiting) {
            // Sent after the next window (and a batcher run) at the latest, it is answered before its hop gives up.
            if (clock.instant()
                    .plus(model.batch().orElseThrow().every())
                    .plus(SETTLE)
                    .isBefore(line.parkedAt().plus(BatchRoute.GRACE))) {
                parked.carry(line.key(), current);
                counts.carried++;
            } else {
                parked.error(
                        line.key(),
                        new ParkedCalls.LineError(
                                FailureKind.INVALID_REQUEST,
                                false,
                                0,
                                "its window gathered " + waiting.size() + " calls within an hour, fewer than the "
                                        + minimum + " the provider takes in a batch"));
                counts.errored++;
            }
        }
    }

    /** The model's open batches: each one ended is written onto its lines, then closed. */
    private void read(ModelSpec model, Counts counts) {
        BatchRoute route = model.batch().orElseThrow();
        for (ParkedCalls.Submission open : parked.open(model.alias())) {
            BatchModel.Status status;
            try {
                status = batches.status(model, open.batchId());
            } catch (PermanentException e) {
                // The provider no longer knows the batch (deleted, another account's key): its lines go once more.
                counts.failures.add(model.alias() + ": batch " + open.batchId() + " unreadable, its lines sent again: "
                        + e.getMessage());
                status = new BatchModel.Status.Ended(List.of(), true);
            }
            if (!(status instanceof BatchModel.Status.Ended ended)) {
                continue;
            }
            for (BatchModel.Result result : ended.results()) {
                switch (result) {
                    case BatchModel.Result.Answered a -> {
                        parked.answer(a.customId(), a.completion());
                        counts.answered++;
                    }
                    case BatchModel.Result.Errored e -> {
                        parked.error(e.customId(), e.error());
                        counts.errored++;
                    }
                }
            }
            // Whatever the batch did not get to (it expired, or it was cancelled) goes once more, then live.
            long current = route.slot(clock.instant());
            for (ParkedCalls.Line line : waitingIn(model.alias(), open.slot())) {
                if (line.resends() == 0) {
                    parked.resend(line.key(), Math.max(current, open.slot() + 1));
                    counts.resent++;
                } else {
                    parked.error(
                            line.key(),
                            new ParkedCalls.LineError(
                                    FailureKind.TIMEOUT,
                                    false,
                                    0,
                                    "the provider's batch expired twice (batch " + open.batchId() + ")"));
                    counts.errored++;
                }
            }
            parked.closed(model.alias(), open.slot());
        }
    }

    /** The lines listed on a window that still wait in it (a line sent again waits in a later one). */
    private List<ParkedCalls.Line> waitingIn(String alias, long slot) {
        List<ParkedCalls.Line> waiting = new ArrayList<>();
        for (String key : parked.listed(alias, slot)) {
            Optional<ParkedCalls.Line> line = parked.line(key);
            if (line.isPresent()
                    && line.get().state() == ParkedCalls.State.WAITING
                    && line.get().slot() == slot) {
                waiting.add(line.get());
            }
        }
        return waiting;
    }

    /** sluice's name for the batch of one window, the same each time the window is sent. */
    static String submissionId(String alias, long slot) {
        return "sluice-" + alias + "-" + slot;
    }
}

package dev.sluice.domain.port;

import dev.sluice.domain.model.Completion;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Model calls parked for a provider's batch API, one line per call (keyed as the exact cache keys it, so identical
 * calls share a line), listed on the window they were parked in; and the batches sent for each window.
 *
 * <p>Every write is idempotent: a line is parked once, answered or errored only while it waits, a submission
 * recorded once per window. A batcher or processor that dies between two writes and runs again writes the same.
 */
public interface ParkedCalls {

    /** Where no batch route is wired: every call is made live. */
    ParkedCalls NONE = new ParkedCalls() {
        @Override
        public Optional<Line> line(String key) {
            return Optional.empty();
        }

        @Override
        public Line park(Line line) {
            throw new UnsupportedOperationException("no batch route is wired");
        }

        @Override
        public List<String> listed(String alias, long slot) {
            return List.of();
        }

        @Override
        public void resend(String key, long slot) {}

        @Override
        public void carry(String key, long slot) {}

        @Override
        public boolean claim(String key) {
            return false;
        }

        @Override
        public void answer(String key, Completion answer) {}

        @Override
        public void error(String key, LineError error) {}

        @Override
        public Optional<Submission> submission(String alias, long slot) {
            return Optional.empty();
        }

        @Override
        public void submitted(Submission submission) {
            throw new UnsupportedOperationException("no batch route is wired");
        }

        @Override
        public List<Submission> open(String alias) {
            return List.of();
        }

        @Override
        public void closed(String alias, long slot) {}

        @Override
        public Optional<Long> cursor(String alias) {
            return Optional.empty();
        }

        @Override
        public void advance(String alias, long slot) {}
    };

    /** Where a line is: waiting for its batch, answered, or errored (the batch's error, or its batch expired twice). */
    enum State {
        WAITING,
        ANSWERED,
        ERRORED
    }

    /**
     * @param slot the window the line waits in: the one it was parked in, or a later one it was sent again in
     * @param resends how many times the line was moved to a later window after its batch expired
     */
    record Line(
            String key,
            String alias,
            String system,
            String prompt,
            Instant parkedAt,
            long slot,
            int resends,
            State state,
            Optional<Completion> answer,
            Optional<LineError> error) {
        public Line {
            Objects.requireNonNull(key, "'key' must not be null");
            Objects.requireNonNull(alias, "'alias' must not be null");
            Objects.requireNonNull(system, "'system' must not be null");
            Objects.requireNonNull(prompt, "'prompt' must not be null");
            Objects.requireNonNull(parkedAt, "'parkedAt' must not be null");
            Objects.requireNonNull(state, "'state' must not be null");
            Objects.requireNonNull(answer, "'answer' must not be null");
            Objects.requireNonNull(error, "'error' must not be null");
        }

        /** A call just parked in window {@code slot}. */
        public static Line waiting(String key, String alias, String system, String prompt, Instant at, long slot) {
            return new Line(key, alias, system, prompt, at, slot, 0, State.WAITING, Optional.empty(), Optional.empty());
        }
    }

    /**
     * What the provider said of one line instead of answering it.
     *
     * @param permanent whether asking again cannot help (a 4xx): the job fails with the reason; otherwise its hop
     *     asks the live endpoint
     * @param status the provider's HTTP status for the line, 0 when it gave none
     * @param detail the provider's words, for operators
     */
    record LineError(FailureKind kind, boolean permanent, int status, String detail) {
        public LineError {
            Objects.requireNonNull(kind, "'kind' must not be null");
            Objects.requireNonNull(detail, "'detail' must not be null");
        }
    }

    /** One provider batch: the window it sent (the lines waiting in it), the provider's id for it, whether it is open. */
    record Submission(String alias, long slot, String batchId, int lines, Instant submittedAt, boolean open) {
        public Submission {
            Objects.requireNonNull(alias, "'alias' must not be null");
            Objects.requireNonNull(batchId, "'batchId' must not be null");
            Objects.requireNonNull(submittedAt, "'submittedAt' must not be null");
        }
    }

    Optional<Line> line(String key);

    /**
     * Lists the line on its window, then writes it unless a line with its key exists; the line as stored after.
     * Listed first, so a caller killed in between leaves a listed key without a line (skipped), never a line no
     * window lists.
     */
    Line park(Line line);

    /** The keys listed on window {@code slot} of model {@code alias}. */
    List<String> listed(String alias, long slot);

    /** Lists a waiting line on window {@code slot} and moves it there, counting a resend. Nothing if it is not waiting. */
    void resend(String key, long slot);

    /**
     * Lists a waiting line on window {@code slot} and moves it there without counting a resend: its window was too
     * small for the provider's batch and it waits for company. Nothing if it is not waiting.
     */
    void carry(String key, long slot);

    /**
     * Claims a line's outcome for one hop: the hop that claims it settles (or releases) the budget's hold its call took
     * when parked; every other hop with the same line is answered without paying. True for the one caller that claimed
     * it, false for every other and for a key with no line.
     */
    boolean claim(String key);

    /** The answer onto a waiting line; nothing if it is answered or errored already. */
    void answer(String key, Completion answer);

    /** The error onto a waiting line; nothing if it is answered or errored already. */
    void error(String key, LineError error);

    Optional<Submission> submission(String alias, long slot);

    /** Records a batch sent for a window; nothing if one is recorded for it already. */
    void submitted(Submission submission);

    /** The submissions of model {@code alias} not yet read. */
    List<Submission> open(String alias);

    /** Marks a submission read: its results are on its lines. */
    void closed(String alias, long slot);

    /** The last window of model {@code alias} whose lines were sent, if any was. */
    Optional<Long> cursor(String alias);

    void advance(String alias, long slot);
}

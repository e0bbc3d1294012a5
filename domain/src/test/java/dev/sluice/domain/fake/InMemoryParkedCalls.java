package dev.sluice.domain.fake;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.ParkedCalls;
import dev.sluice.domain.port.TransientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Parked calls in maps, as the DynamoDB store keeps them in items. */
public class InMemoryParkedCalls implements ParkedCalls {
    private final Map<String, Line> lines = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> windows = new ConcurrentHashMap<>();
    private final Map<String, Submission> submissions = new ConcurrentHashMap<>();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    private final Set<String> claimed = new java.util.HashSet<>();
    private int answersBeforeFailure = -1;
    private int answerWrites;

    @Override
    public Optional<Line> line(String key) {
        return Optional.ofNullable(lines.get(key));
    }

    @Override
    public synchronized Line park(Line line) {
        windows.computeIfAbsent(window(line.alias(), line.slot()), k -> new LinkedHashSet<>())
                .add(line.key());
        return lines.computeIfAbsent(line.key(), k -> line);
    }

    @Override
    public synchronized List<String> listed(String alias, long slot) {
        return List.copyOf(windows.getOrDefault(window(alias, slot), Set.of()));
    }

    @Override
    public synchronized void resend(String key, long slot) {
        move(key, slot, 1);
    }

    @Override
    public synchronized void carry(String key, long slot) {
        move(key, slot, 0);
    }

    private void move(String key, long slot, int resends) {
        Line l = lines.get(key);
        if (l == null || l.state() != State.WAITING) {
            return;
        }
        windows.computeIfAbsent(window(l.alias(), slot), k -> new LinkedHashSet<>())
                .add(key);
        lines.put(
                key,
                new Line(
                        key,
                        l.alias(),
                        l.system(),
                        l.prompt(),
                        l.parkedAt(),
                        slot,
                        l.resends() + resends,
                        State.WAITING,
                        Optional.empty(),
                        Optional.empty()));
    }

    @Override
    public synchronized boolean claim(String key) {
        return lines.containsKey(key) && claimed.add(key);
    }

    @Override
    public synchronized void answer(String key, Completion answer) {
        if (answersBeforeFailure == 0) {
            answersBeforeFailure = -1;
            throw new TransientException("the store went away mid-batch", FailureKind.CONNECTION, 0, null);
        }
        if (answersBeforeFailure > 0) {
            answersBeforeFailure--;
        }
        answerWrites++;
        Line l = lines.get(key);
        if (l != null && l.state() == State.WAITING) {
            // As the DynamoDB store and the completion cache: the provider's raw response is not kept.
            Completion kept =
                    new Completion(answer.text(), answer.usage(), answer.modelId(), answer.finishReason(), "");
            lines.put(key, ended(l, State.ANSWERED, Optional.of(kept), Optional.empty()));
        }
    }

    @Override
    public synchronized void error(String key, LineError error) {
        Line l = lines.get(key);
        if (l != null && l.state() == State.WAITING) {
            lines.put(key, ended(l, State.ERRORED, Optional.empty(), Optional.of(error)));
        }
    }

    private static Line ended(Line l, State state, Optional<Completion> answer, Optional<LineError> error) {
        return new Line(
                l.key(), l.alias(), l.system(), l.prompt(), l.parkedAt(), l.slot(), l.resends(), state, answer, error);
    }

    @Override
    public Optional<Submission> submission(String alias, long slot) {
        return Optional.ofNullable(submissions.get(window(alias, slot)));
    }

    @Override
    public void submitted(Submission submission) {
        submissions.putIfAbsent(window(submission.alias(), submission.slot()), submission);
    }

    @Override
    public synchronized List<Submission> open(String alias) {
        List<Submission> open = new ArrayList<>();
        for (Submission s : submissions.values()) {
            if (s.alias().equals(alias) && s.open()) {
                open.add(s);
            }
        }
        open.sort(java.util.Comparator.comparingLong(Submission::slot));
        return open;
    }

    @Override
    public synchronized void closed(String alias, long slot) {
        submissions.computeIfPresent(
                window(alias, slot),
                (k, s) -> new Submission(s.alias(), s.slot(), s.batchId(), s.lines(), s.submittedAt(), false));
    }

    @Override
    public Optional<Long> cursor(String alias) {
        return Optional.ofNullable(cursors.get(alias));
    }

    @Override
    public void advance(String alias, long slot) {
        cursors.merge(alias, slot, Math::max);
    }

    /** The next answer written after {@code n} more fails once, as a batcher killed mid-batch would stop. */
    public synchronized void failAnswerAfter(int n) {
        answersBeforeFailure = n;
    }

    /** How many answers were written, including those onto lines already answered (which change nothing). */
    public synchronized int answerWrites() {
        return answerWrites;
    }

    /** Every submission recorded, open or closed. */
    public synchronized List<Submission> submissions() {
        return List.copyOf(submissions.values());
    }

    private static String window(String alias, long slot) {
        return alias + "#" + slot;
    }
}

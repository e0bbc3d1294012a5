package dev.sluice.domain.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.MutableClock;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.ParkedCalls.Line;
import dev.sluice.domain.port.ParkedCalls.LineError;
import dev.sluice.domain.port.ParkedCalls.State;
import dev.sluice.domain.port.ParkedCalls.Submission;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ParkedCalls} must do. Implementations build the store on the given clock; every case uses keys
 * and aliases of its own, so a store shared by the cases (one table) may keep what earlier cases wrote.
 */
public abstract class ParkedCallsContract {
    protected final MutableClock clock = new MutableClock(Instant.parse("2025-03-14T09:26:53.589793238Z"));
    private ParkedCalls parked;
    private String alias;

    protected abstract ParkedCalls parked(MutableClock clock);

    @BeforeEach
    void setUp() {
        parked = parked(clock);
        alias = "model-" + System.nanoTime();
    }

    private static String key(String name) {
        return name + "-" + System.nanoTime();
    }

    private Line waiting(String key, long slot) {
        return Line.waiting(key, alias, "You are terse.", "What is the capital of France?", clock.instant(), slot);
    }

    private static Completion completion(String text) {
        return new Completion(text, new TokenUsage(120, 30, 40), "gpt-4o-mini-2024-07-18", "stop", "{\"id\":\"x\"}");
    }

    /** {@code c} as a store keeps it: without the provider's raw response, as the completion cache keeps it. */
    private static Completion kept(Completion c) {
        return new Completion(c.text(), c.usage(), c.modelId(), c.finishReason(), "");
    }

    private Submission submission(long slot, String batchId) {
        return new Submission(alias, slot, batchId, 3, clock.instant(), true);
    }

    @Test
    void aParkedLineIsReadBackAsParked() {
        String key = key("line");
        Line line = waiting(key, 7);

        assertThat(parked.park(line)).isEqualTo(line);
        assertThat(parked.line(key)).contains(line);
    }

    @Test
    void aLineIsClaimedOnceWhateverItsStateAndAnUnknownOneNever() {
        String key = key("claimed");
        parked.park(waiting(key, 7));
        parked.answer(key, completion("done"));

        assertThat(parked.claim(key)).isTrue();
        assertThat(parked.claim(key)).isFalse();
        assertThat(parked.line(key).orElseThrow().answer()).contains(kept(completion("done")));
        String waiting = key("claimed-waiting");
        parked.park(waiting(waiting, 7));
        assertThat(parked.claim(waiting)).isTrue();
        assertThat(parked.claim(waiting)).isFalse();
        assertThat(parked.claim(key("no-line"))).isFalse();
    }

    @Test
    void anUnknownKeyHasNoLine() {
        assertThat(parked.line(key("never"))).isEmpty();
    }

    @Test
    void aLineIsParkedOnceAndListedOnce() {
        String key = key("twice");
        Line first = waiting(key, 7);
        parked.park(first);
        clock.advance(Duration.ofMinutes(3));
        Line second = Line.waiting(key, alias, "Another system.", "Another prompt.", clock.instant(), 7);

        assertThat(parked.park(second)).isEqualTo(first);
        assertThat(parked.line(key)).contains(first);
        assertThat(parked.listed(alias, 7)).containsExactly(key);
    }

    @Test
    void aWindowListsTheKeysParkedInItOnly() {
        String a = key("a");
        String b = key("b");
        String later = key("later");
        String other = key("other");
        parked.park(waiting(a, 7));
        parked.park(waiting(b, 7));
        parked.park(waiting(later, 8));
        parked.park(Line.waiting(other, alias + "-other", "s", "p", clock.instant(), 7));

        assertThat(parked.listed(alias, 7)).containsExactlyInAnyOrder(a, b);
        assertThat(parked.listed(alias, 8)).containsExactly(later);
        assertThat(parked.listed(alias, 9)).isEmpty();
    }

    @Test
    void anAnswerEndsAWaitingLineAndNothingChangesItAfter() {
        String key = key("answered");
        Line line = waiting(key, 7);
        parked.park(line);
        Completion answer = completion("Paris");

        parked.answer(key, answer);
        parked.error(key, new LineError(FailureKind.SERVER_ERROR, false, 500, "overloaded"));
        parked.answer(key, completion("Lyon"));

        assertThat(parked.line(key))
                .contains(new Line(
                        key,
                        alias,
                        line.system(),
                        line.prompt(),
                        line.parkedAt(),
                        7,
                        0,
                        State.ANSWERED,
                        Optional.of(kept(answer)),
                        Optional.empty()));
    }

    @Test
    void anErrorEndsAWaitingLineAndNothingChangesItAfter() {
        String key = key("errored");
        Line line = waiting(key, 7);
        parked.park(line);
        LineError error = new LineError(FailureKind.CONTEXT_TOO_LONG, true, 400, "prompt is too long: 210000 tokens");

        parked.error(key, error);
        parked.answer(key, completion("Paris"));
        parked.error(key, new LineError(FailureKind.SERVER_ERROR, false, 500, "overloaded"));

        assertThat(parked.line(key))
                .contains(new Line(
                        key,
                        alias,
                        line.system(),
                        line.prompt(),
                        line.parkedAt(),
                        7,
                        0,
                        State.ERRORED,
                        Optional.empty(),
                        Optional.of(error)));
    }

    @Test
    void anAnswerOrAnErrorForAnUnknownKeyWritesNoLine() {
        String answered = key("ghost-answer");
        String errored = key("ghost-error");

        parked.answer(answered, completion("Paris"));
        parked.error(errored, new LineError(FailureKind.TIMEOUT, false, 0, "expired"));

        assertThat(parked.line(answered)).isEmpty();
        assertThat(parked.line(errored)).isEmpty();
    }

    @Test
    void anAnswerKeepsItsTextUsageModelAndFinishReason() {
        String key = key("full");
        parked.park(waiting(key, 7));
        Completion answer = new Completion(
                "Rayleigh scattering sends the short wavelengths of sunlight across the sky. ".repeat(20),
                new TokenUsage(1_234, 567, 89),
                "claude-3-5-haiku-20241022",
                "length",
                "{\"custom_id\":\"x\",\"result\":{}}");

        parked.answer(key, answer);

        assertThat(parked.line(key)).hasValueSatisfying(l -> {
            assertThat(l.state()).isEqualTo(State.ANSWERED);
            assertThat(l.answer()).contains(kept(answer));
            assertThat(l.error()).isEmpty();
        });
    }

    @Test
    void anErrorKeepsItsKindPermanenceStatusAndDetail() {
        String retryable = key("retryable");
        String permanent = key("permanent");
        parked.park(waiting(retryable, 7));
        parked.park(waiting(permanent, 7));
        LineError transientError = new LineError(FailureKind.TIMEOUT, false, 0, "the provider's batch expired twice");
        LineError permanentError = new LineError(
                FailureKind.INVALID_REQUEST, true, 400, "messages: text content blocks must be non-empty");

        parked.error(retryable, transientError);
        parked.error(permanent, permanentError);

        assertThat(parked.line(retryable).flatMap(Line::error)).contains(transientError);
        assertThat(parked.line(permanent).flatMap(Line::error)).contains(permanentError);
    }

    @Test
    void aResentLineWaitsInTheNewWindowListedThereAndCountsTheResend() {
        String key = key("resent");
        Line line = waiting(key, 7);
        parked.park(line);

        parked.resend(key, 9);

        assertThat(parked.line(key))
                .contains(new Line(
                        key,
                        alias,
                        line.system(),
                        line.prompt(),
                        line.parkedAt(),
                        9,
                        1,
                        State.WAITING,
                        Optional.empty(),
                        Optional.empty()));
        assertThat(parked.listed(alias, 9)).containsExactly(key);
    }

    @Test
    void aCarriedLineMovesToTheLaterWindowWithoutCountingAResend() {
        String key = key("carried");
        parked.park(waiting(key, 7));
        parked.resend(key, 8);

        parked.carry(key, 9);

        assertThat(parked.line(key)).hasValueSatisfying(l -> {
            assertThat(l.state()).isEqualTo(State.WAITING);
            assertThat(l.slot()).isEqualTo(9);
            assertThat(l.resends()).as("an expiry's resend, not the carry").isEqualTo(1);
        });
        assertThat(parked.listed(alias, 9)).containsExactly(key);
        String answered = key("carried-done");
        parked.park(waiting(answered, 7));
        parked.answer(answered, completion("Paris"));
        parked.carry(answered, 9);
        assertThat(parked.line(answered))
                .hasValueSatisfying(l -> assertThat(l.slot()).isEqualTo(7));
    }

    @Test
    void aResentLineCanStillBeAnswered() {
        String key = key("resent-answered");
        parked.park(waiting(key, 7));
        parked.resend(key, 9);

        parked.answer(key, completion("Paris"));

        assertThat(parked.line(key)).hasValueSatisfying(l -> {
            assertThat(l.state()).isEqualTo(State.ANSWERED);
            assertThat(l.slot()).isEqualTo(9);
            assertThat(l.resends()).isEqualTo(1);
            assertThat(l.answer()).contains(kept(completion("Paris")));
        });
    }

    @Test
    void resendingALineNoLongerWaitingChangesNothing() {
        String answered = key("done");
        String errored = key("failed");
        parked.park(waiting(answered, 7));
        parked.park(waiting(errored, 7));
        parked.answer(answered, completion("Paris"));
        parked.error(errored, new LineError(FailureKind.SERVER_ERROR, false, 500, "overloaded"));
        Optional<Line> answeredBefore = parked.line(answered);
        Optional<Line> erroredBefore = parked.line(errored);

        parked.resend(answered, 9);
        parked.resend(errored, 9);
        parked.resend(key("unknown"), 9);

        assertThat(parked.line(answered)).isEqualTo(answeredBefore);
        assertThat(parked.line(errored)).isEqualTo(erroredBefore);
        assertThat(parked.listed(alias, 9)).isEmpty();
    }

    @Test
    void aSubmissionIsRecordedOncePerWindow() {
        Submission first = submission(7, "msgbatch_first");
        parked.submitted(first);
        clock.advance(Duration.ofMinutes(1));

        parked.submitted(new Submission(alias, 7, "msgbatch_second", 5, clock.instant(), true));

        assertThat(parked.submission(alias, 7)).contains(first);
        assertThat(parked.open(alias)).containsExactly(first);
    }

    @Test
    void aWindowNeverSentHasNoSubmission() {
        assertThat(parked.submission(alias, 7)).isEmpty();
        assertThat(parked.open(alias)).isEmpty();
    }

    @Test
    void theOpenSubmissionsOfAModelAreListedBySlot() {
        Submission nine = submission(9, "batch-9");
        Submission two = submission(2, "batch-2");
        Submission five = submission(5, "batch-5");
        Submission twelve = submission(12, "batch-12");
        parked.submitted(nine);
        parked.submitted(two);
        parked.submitted(twelve);
        parked.submitted(five);
        parked.submitted(new Submission(alias + "-other", 3, "other-3", 1, clock.instant(), true));

        parked.closed(alias, 12);

        assertThat(parked.open(alias)).containsExactly(two, five, nine);
    }

    @Test
    void aClosedSubmissionIsNoLongerOpenButStillRecorded() {
        Submission sent = submission(7, "batch-7");
        parked.submitted(sent);

        parked.closed(alias, 7);
        parked.closed(alias, 7);

        assertThat(parked.open(alias)).isEmpty();
        assertThat(parked.submission(alias, 7))
                .contains(new Submission(alias, 7, "batch-7", 3, sent.submittedAt(), false));
    }

    @Test
    void aClosedSubmissionStaysClosedWhenItsWindowIsSubmittedAgain() {
        parked.submitted(submission(7, "batch-7"));
        parked.closed(alias, 7);

        parked.submitted(submission(7, "batch-7-again"));

        assertThat(parked.open(alias)).isEmpty();
        assertThat(parked.submission(alias, 7))
                .hasValueSatisfying(s -> assertThat(s.batchId()).isEqualTo("batch-7"));
    }

    @Test
    void closingAWindowNeverSentRecordsNothing() {
        parked.closed(alias, 7);

        assertThat(parked.submission(alias, 7)).isEmpty();
        assertThat(parked.open(alias)).isEmpty();
    }

    @Test
    void theCursorStartsEmptyAndOnlyMovesForward() {
        assertThat(parked.cursor(alias)).isEmpty();

        parked.advance(alias, 5);
        assertThat(parked.cursor(alias)).contains(5L);

        parked.advance(alias, 3);
        assertThat(parked.cursor(alias)).contains(5L);

        parked.advance(alias, 5);
        parked.advance(alias, 8);
        assertThat(parked.cursor(alias)).contains(8L);
        assertThat(parked.cursor(alias + "-other")).isEmpty();
    }
}

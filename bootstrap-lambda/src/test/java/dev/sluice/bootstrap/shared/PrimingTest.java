package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrimingTest {
    @Test
    void theWarmUpRunsBeforeACheckpoint() {
        AtomicInteger runs = new AtomicInteger();
        Priming priming = Priming.register("test", runs::incrementAndGet);
        priming.primeNow();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aFailingWarmUpNeverBreaksTheSnapshot() {
        Priming priming = Priming.register("test", () -> {
            throw new IllegalStateException("DynamoDB unreachable");
        });
        assertThatCode(priming::primeNow).doesNotThrowAnyException();
    }
}

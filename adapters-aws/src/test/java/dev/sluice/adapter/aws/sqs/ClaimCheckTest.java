package dev.sluice.adapter.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The claim check against {@code golden/claim-check.json}, written by the codec before the move to wire records. */
class ClaimCheckTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final ClaimCheck CHECK =
            new ClaimCheck("payloads/job_1/5b2a7a3e-2d7c-4a8e-9f51-0c1d2e3f4a5b.json", 262_145);

    private static String fixture() throws Exception {
        try (InputStream in = ClaimCheckTest.class.getResourceAsStream("/golden/claim-check.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void itWritesAndReadsItsFixture() throws Exception {
        assertThat(CHECK.toJson()).isEqualTo(PLAIN.writeValueAsString(PLAIN.readTree(fixture())));
        assertThat(ClaimCheck.in(fixture())).contains(CHECK);
    }

    @Test
    void aBodyThatIsNotAClaimCheckIsTheMessageItself() {
        assertThat(ClaimCheck.in("{\"type\":\"envelope\",\"note\":\"claim-check\"}"))
                .isEmpty();
        assertThat(ClaimCheck.in("{\"type\":\"claim-check\"}")).as("no key").isEmpty();
        assertThat(ClaimCheck.in("\"claim-check\" is not JSON")).isEmpty();
        assertThat(ClaimCheck.in("{\"type\":\"claim-check\",\"key\":\"k\",\"addedLater\":1}"))
                .contains(new ClaimCheck("k", 0));
    }
}

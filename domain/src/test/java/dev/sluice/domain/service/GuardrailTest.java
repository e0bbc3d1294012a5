package dev.sluice.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.model.Guardrails;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Guardrails on answers: redaction never breaks a structured answer, and the shape is checked as stored. */
class GuardrailTest {
    private static final Guardrails JSON_REDACTED =
            new Guardrails(true, 0, Guardrails.OutputFormat.JSON, List.of("ts", "note"));

    @Test
    void aStructuredAnswerIsRedactedInsideItsValuesAndStaysValidJson() {
        String answer = "{\"ts\":1718000000000,\"note\":\"mail jane.doe@example.com, card 4111 1111 1111 1111\","
                + "\"card\":4111111111111111,\"tags\":[\"call +1 415 555 0100\"],\"ok\":true,\"none\":null}";
        var verdict = (Guardrail.Verdict.Passed) Guardrail.apply(JSON_REDACTED, answer);
        Object parsed = Json.parse(verdict.text());
        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> object = (Map<?, ?>) parsed;
        assertThat(object.get("ts").toString()).as("a timestamp is not a card").isEqualTo("1718000000000");
        assertThat(object.get("note")).isEqualTo("mail [email], card [card]");
        assertThat(object.get("card")).isEqualTo("[card]");
        assertThat(object.get("tags")).isEqualTo(List.of("call [phone]"));
        assertThat(object.get("ok")).isEqualTo(Boolean.TRUE);
        assertThat(verdict.applied()).containsExactly("pii-redacted");
    }

    @Test
    void onlyNumbersThatPassTheCardCheckAreRedactedAsCards() {
        assertThat(Guardrail.redact("paid with 4111-1111-1111-1111.")).isEqualTo("paid with [card].");
        assertThat(Guardrail.redact("ticket 4111-1111-1111-1112")).doesNotContain("[card]");
    }

    @Test
    void theLengthOfAStructuredAnswerIsCheckedAsStored() {
        Guardrails tight = new Guardrails(true, 40, Guardrails.OutputFormat.JSON, List.of());
        String answer = "{\"note\": \"write to jane.doe@example.com\"}";
        assertThat(Guardrail.apply(tight, answer))
                .as("%d characters once redacted", "{\"note\":\"write to [email]\"}".length())
                .isInstanceOf(Guardrail.Verdict.Passed.class);
        assertThat(Guardrail.apply(tight, "{\"note\": \"" + "x".repeat(60) + "\"}"))
                .isInstanceOf(Guardrail.Verdict.Rejected.class);
    }
}

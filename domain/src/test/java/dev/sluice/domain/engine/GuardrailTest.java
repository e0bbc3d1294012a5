package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.domain.fake.ScriptedStructuredOutput;
import dev.sluice.domain.model.Guardrails;
import dev.sluice.domain.port.StructuredOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guardrails on answers: what the guardrail asks of the structured-output reader, the redaction it has it apply, and
 * the length checked as stored. Structured answers really read (redacted inside their values, still valid JSON) are
 * tested with the Jackson reader, in adapters-llm's {@code StructuredAnswersTest}.
 */
class GuardrailTest {
    private static final Guardrails JSON_REDACTED =
            new Guardrails(true, 0, Guardrails.OutputFormat.JSON, List.of("ts", "note"));

    private final ScriptedStructuredOutput reader = new ScriptedStructuredOutput();
    private final Guardrail guardrail = new Guardrail(reader);

    @Test
    void aStructuredAnswerIsReadWithTheRedactionOfItsValuesAndTheRequiredKeys() {
        reader.answerWith(answer -> new StructuredOutput.Checked.Valid("{\"note\":\"[email]\"}", true));

        var verdict = (Guardrail.Verdict.Passed)
                guardrail.apply(JSON_REDACTED, "```json\n{\"note\": \"jane.doe@example.com\"}\n```");

        assertThat(verdict.text()).isEqualTo("{\"note\":\"[email]\"}");
        assertThat(verdict.applied()).containsExactly("pii-redacted");
        assertThat(reader.requests()).singleElement().satisfies(r -> {
            assertThat(r.answer()).isEqualTo("{\"note\": \"jane.doe@example.com\"}");
            assertThat(r.requiredKeys()).containsExactly("ts", "note");
            assertThat(r.values()).isSameAs(Guardrail.REDACTION);
        });
    }

    @Test
    void theRedactionOfValuesReplacesPersonalDataAndOnlyIntegersThatAreCardNumbers() {
        StructuredOutput.Values values = Guardrail.REDACTION;

        assertThat(values.string("mail jane.doe@example.com, card 4111 1111 1111 1111"))
                .isEqualTo("mail [email], card [card]");
        assertThat(values.string("call +1 415 555 0100")).isEqualTo("call [phone]");
        assertThat(values.integer("4111111111111111")).contains("[card]");
        assertThat(values.integer("1718000000000"))
                .as("a timestamp is not a card")
                .isEmpty();
        assertThat(values.integer("-4111111111111111")).isEmpty();
        assertThat(values.integer("4111111111111111" + "0".repeat(900))).isEmpty();
    }

    @Test
    void withoutRedactionTheValuesAreKeptAndTheReadersReasonIsTheRejection() {
        Guardrails plain = new Guardrails(false, 0, Guardrails.OutputFormat.JSON, List.of("label"));
        reader.answerWith(answer -> new StructuredOutput.Checked.Invalid("the answer nests deeper than 500 levels"));

        assertThat(guardrail.apply(plain, "[[[["))
                .isEqualTo(new Guardrail.Verdict.Rejected("the answer nests deeper than 500 levels"));
        assertThat(reader.requests().getFirst().values()).isSameAs(StructuredOutput.Values.KEEP);
    }

    @Test
    void onlyNumbersThatPassTheCardCheckAreRedactedAsCards() {
        assertThat(Guardrail.redact("paid with 4111-1111-1111-1111.")).isEqualTo("paid with [card].");
        assertThat(Guardrail.redact("ticket 4111-1111-1111-1112")).doesNotContain("[card]");
    }

    @Test
    void theLengthOfAStructuredAnswerIsCheckedAsStored() {
        Guardrails tight = new Guardrails(true, 40, Guardrails.OutputFormat.JSON, List.of());
        String stored = "{\"note\":\"write to [email]\"}";
        reader.answerWith(answer -> new StructuredOutput.Checked.Valid(stored, true));
        assertThat(guardrail.apply(tight, "{\"note\": \"write to jane.doe@example.com\"}"))
                .as("%d characters once redacted", stored.length())
                .isInstanceOf(Guardrail.Verdict.Passed.class);

        reader.answerWith(answer -> new StructuredOutput.Checked.Valid(answer, false));
        assertThat(guardrail.apply(tight, "{\"note\": \"" + "x".repeat(60) + "\"}"))
                .isEqualTo(new Guardrail.Verdict.Rejected("the answer is 72 characters of JSON; the limit is 40"));
    }
}

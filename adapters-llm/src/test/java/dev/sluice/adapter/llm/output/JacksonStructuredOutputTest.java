package dev.sluice.adapter.llm.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.port.StructuredOutput;
import dev.sluice.domain.port.StructuredOutput.Checked;
import dev.sluice.domain.port.StructuredOutput.Values;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Structured answers read strictly and within bounds: whatever a model writes ends as valid, or invalid with a reason a
 * tenant reads (what, and where), never as an exception, a stack overflow or Jackson's own words.
 */
class JacksonStructuredOutputTest {
    private static final List<String> LABEL = List.of("label");
    private final StructuredOutput reader = new JacksonStructuredOutput();

    private String reason(String answer, List<String> keys) {
        Checked checked = reader.check(answer, keys, Values.KEEP);
        assertThat(checked).as("%.80s", answer).isInstanceOf(Checked.Invalid.class);
        String reason = ((Checked.Invalid) checked).reason();
        assertThat(reason)
                .as("a sentence of sluice's own")
                .startsWith("the answer ")
                .doesNotContain("`", "(code", "Jackson", "fasterxml", "JsonNode", "Exception", "REDACTED", "\n");
        return reason;
    }

    private String reason(String answer) {
        return reason(answer, LABEL);
    }

    @Test
    void anObjectWithTheRequiredKeysIsValidAndKeptAsTheModelWroteIt() {
        String answer = "{\n  \"label\": \"billing\",\n  \"confidence\": 0.90\n}";
        assertThat(reader.check(answer, List.of("label", "confidence"), Values.KEEP))
                .isEqualTo(new Checked.Valid(answer, false));
        assertThat(reader.check("{\"label\": null}", LABEL, Values.KEEP))
                .as("a key present with null is present")
                .isEqualTo(new Checked.Valid("{\"label\": null}", false));
    }

    @Test
    void invalidEscapesAreRefusedWithWhere() {
        assertThat(reason("{\"label\":\"\\u+041\"}"))
                .isEqualTo("the answer is not valid JSON: invalid escape sequence at line 1, column 13");
        assertThat(reason("{\"label\":\"\\q\"}"))
                .isEqualTo("the answer is not valid JSON: invalid escape sequence at line 1, column 12");
        assertThat(reason("{\"label\":\"\\u12\"}")).startsWith("the answer is not valid JSON: invalid escape sequence");
    }

    @Test
    void fiveThousandDeepArraysOrObjectsAreRefusedAsTooDeepWithoutOverflowingTheStack() {
        String reason = "the answer nests deeper than 500 levels";
        assertThat(reason("[".repeat(5_000))).isEqualTo(reason);
        assertThat(reason("[".repeat(5_000) + "]".repeat(5_000))).isEqualTo(reason);
        assertThat(reason("{\"a\":".repeat(5_000))).isEqualTo(reason);
        assertThat(reason("{\"label\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"))
                .isEqualTo(reason);
    }

    @Test
    void fiveHundredLevelsAreReadAndFiveHundredAndOneAreNot() {
        String deepest = "{\"label\":" + "[".repeat(499) + "]".repeat(499) + "}";
        assertThat(reader.check(deepest, LABEL, Values.KEEP)).isInstanceOf(Checked.Valid.class);
        String deeper = "{\"label\":" + "[".repeat(500) + "]".repeat(500) + "}";
        assertThat(reason(deeper)).isEqualTo("the answer nests deeper than 500 levels");
    }

    @Test
    void textAfterTheValueIsRefused() {
        assertThat(reason("{\"label\":\"x\"} and more"))
                .isEqualTo("the answer is not valid JSON: more text after the value at line 1, column 15");
        assertThat(reason("{\"label\":\"x\"}{\"label\":\"y\"}"))
                .isEqualTo("the answer is not valid JSON: more text after the value at line 1, column 14");
        assertThat(reason("{\"label\":\"x\"}\n}"))
                .startsWith("the answer is not valid JSON: more text after the value");
    }

    @Test
    void aKeyTwiceInOneObjectIsRefused() {
        assertThat(reason("{\"label\":\"a\",\"label\":\"b\"}"))
                .isEqualTo("the answer is not valid JSON: duplicate key 'label' at line 1, column 21");
        assertThat(reason("{\"label\":\"a\",\"n\":{\"" + "k".repeat(100) + "\":1,\"" + "k".repeat(100) + "\":2}}"))
                .as("a long key is not quoted")
                .startsWith("the answer is not valid JSON: duplicate key at line 1");
        assertThat(reader.check("{\"label\":\"a\",\"n\":{\"label\":\"b\"}}", LABEL, Values.KEEP))
                .as("the same key in two objects")
                .isInstanceOf(Checked.Valid.class);
    }

    @Test
    void hugeNumbersAreBoundedAndOtherwiseKeptExactly() {
        assertThat(reason("{\"label\":" + "9".repeat(5_000) + "}"))
                .isEqualTo("the answer has a number longer than 1000 digits");
        assertThat(reason("{\"label\":0." + "1".repeat(2_000) + "}"))
                .isEqualTo("the answer has a number longer than 1000 digits");
        assertThat(reason("{\"label\":1e99999999999}"))
                .isEqualTo("the answer has a number whose exponent is out of range");
        assertThat(reason("{\"label\":[1, -2.5e-99999999999]}"))
                .isEqualTo("the answer has a number whose exponent is out of range");
        String big = "{\"label\":\"mail a@example.com\",\"n\":1e400,\"m\":-1e-400,\"x\":0.90,\"i\":" + "1".repeat(900)
                + ",\"e\":1e999999999}";
        Checked rewritten = reader.check(big, LABEL, new Values() {
            @Override
            public String string(String value) {
                return value.replace("a@example.com", "[email]");
            }

            @Override
            public Optional<String> integer(String digits) {
                return Optional.empty();
            }
        });
        assertThat(rewritten)
                .isEqualTo(new Checked.Valid(
                        "{\"label\":\"mail [email]\",\"n\":1E+400,\"m\":-1E-400,\"x\":0.90,\"i\":" + "1".repeat(900)
                                + ",\"e\":1E+999999999}",
                        true));
    }

    @Test
    void aLeadingByteOrderMarkIsIgnoredAndNotStored() {
        assertThat(reader.check("\uFEFF{\"label\":\"x\"}", LABEL, Values.KEEP))
                .isEqualTo(new Checked.Valid("{\"label\":\"x\"}", false));
        assertThat(reason("{\"label\":\"x\"}\uFEFF")).startsWith("the answer is not valid JSON: more text after");
    }

    @Test
    void anEmptyAnswerIsNoObject() {
        assertThat(reason("")).isEqualTo("the answer is empty, not a JSON object");
        assertThat(reason(" \n\t ")).isEqualTo("the answer is empty, not a JSON object");
        assertThat(reason("\uFEFF")).isEqualTo("the answer is empty, not a JSON object");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[\"label\"]       | the answer is a JSON array, not a JSON object",
                "\"label\"         | the answer is a JSON string, not a JSON object",
                "42                | the answer is a JSON number, not a JSON object",
                "true              | the answer is a JSON boolean, not a JSON object",
                "null              | the answer is JSON null, not a JSON object",
            })
    void aValueThatIsNoObjectIsRefusedWhenKeysAreRequired(String answer, String expected) {
        assertThat(reason(answer)).isEqualTo(expected);
        assertThat(reason(answer, List.of()))
                .as("an object is asked for all the same")
                .isEqualTo(expected);
    }

    @Test
    void missingKeysAreNamed() {
        assertThat(reason("{\"labels\":[]}")).isEqualTo("the answer lacks the required key 'label'");
        assertThat(reason("{\"x\":{\"label\":1}}", List.of("label", "confidence")))
                .as("only top-level keys count")
                .isEqualTo("the answer lacks the required keys 'label' and 'confidence'");
        assertThat(reason("{}", List.of("a", "b", "c")))
                .isEqualTo("the answer lacks the required keys 'a', 'b' and 'c'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"label\": \"x\"                | unexpected end at line 1, column 14",
                "{\"label\": \"x                  | unexpected end at line 1, column 13",
                "{\"label\": tru}                 | unexpected text at line 1, column 11",
                "{\"label\": hello world}         | unexpected text at line 1, column 11",
                "{'label': 1}                     | unexpected character at line 1, column 2",
                "{label: 1}                       | unexpected character at line 1, column 2",
                "{\"label\": 1,}                  | unexpected character at line 1, column 13",
                "{\"label\": [1,]}                | unexpected character at line 1, column 14",
                "{\"label\" 1}                    | unexpected character at line 1, column 10",
                "{\"label\": 01}                  | invalid number at line 1, column 12",
                "{\"label\": NaN}                 | invalid number at line 1, column 14",
                "{\"label\": 1} // done           | more text after the value at line 1, column 14",
                "x                                | unexpected text at line 1, column 1",
                "{\"label\": 1}}                  | more text after the value at line 1, column 13",
                "\"a\\q\"                            | invalid escape sequence at line 1, column 4",
            })
    void malformedJsonIsRefusedSayingWhatAndWhere(String answer, String expected) {
        assertThat(reason(answer)).isEqualTo("the answer is not valid JSON: " + expected);
    }

    @Test
    void anUnescapedControlCharacterInAStringIsRefused() {
        assertThat(reason("{\"label\": \"two\nlines\"}"))
                .isEqualTo(
                        "the answer is not valid JSON: unescaped control character in a string at line 1, column 15");
    }

    @Test
    void anAnswerLongerThanTheReaderReadsIsRefusedBeforeReading() {
        StructuredOutput small = new JacksonStructuredOutput(500, 100);
        String answer = "{\"label\":\"" + "x".repeat(200) + "\"}";
        assertThat(small.check(answer, LABEL, Values.KEEP))
                .isEqualTo(
                        new Checked.Invalid("the answer is longer than 100 characters, the most sluice reads as JSON"));
        assertThat(reason("{\"label\":\"" + "x".repeat(JacksonStructuredOutput.MAX_CHARS) + "\"}"))
                .isEqualTo("the answer is longer than 1000000 characters, the most sluice reads as JSON");
    }

    @Test
    void noTextMakesItThrow() {
        String[] pieces = {
            "{",
            "}",
            "[",
            "]",
            "\"",
            "\\",
            "u",
            "+",
            "0",
            "1",
            "9e",
            "E-",
            ".",
            ":",
            ",",
            "true",
            "nul",
            "\"label\"",
            " ",
            "\n",
            "\uFEFF",
            "\u0000",
            "\ud800",
            "é",
            "1e99999999999",
            "x"
        };
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder answer = new StringBuilder(random.nextBoolean() ? "{\"label\":" : "");
            for (int n = random.nextInt(40); n > 0; n--) {
                answer.append(pieces[random.nextInt(pieces.length)]);
            }
            Checked checked = reader.check(answer.toString(), LABEL, Values.KEEP);
            if (checked instanceof Checked.Invalid invalid) {
                assertThat(invalid.reason()).as(answer.toString()).startsWith("the answer ");
            }
        }
    }

    @Test
    void valuesAreRewrittenWhereverTheyStandAndKeysNever() throws Exception {
        String answer = "{\"note\": \"secret\", \"secret\": [\"secret\", {\"deep\": [[\"secret\"]]}], \"n\": 7,"
                + " \"f\": 7.0, \"ok\": true, \"none\": null}";
        Checked checked = reader.check(answer, List.of("note"), new Values() {
            @Override
            public String string(String value) {
                return value.replace("secret", "[x]");
            }

            @Override
            public Optional<String> integer(String digits) {
                return digits.equals("7") ? Optional.of("[seven]") : Optional.empty();
            }
        });
        assertThat(checked)
                .isEqualTo(new Checked.Valid(
                        "{\"note\":\"[x]\",\"secret\":[\"[x]\",{\"deep\":[[\"[x]\"]]}],\"n\":\"[seven]\",\"f\":7.0,"
                                + "\"ok\":true,\"none\":null}",
                        true));
        new ObjectMapper().readTree(((Checked.Valid) checked).text());
    }

    @Test
    void whenNoValueChangesTheAnswerIsKeptAsWritten() {
        String answer = "{ \"note\" : \"nothing to hide\" }";
        assertThat(reader.check(answer, List.of("note"), new Values() {
                    @Override
                    public String string(String value) {
                        return value;
                    }

                    @Override
                    public Optional<String> integer(String digits) {
                        return Optional.empty();
                    }
                }))
                .isEqualTo(new Checked.Valid(answer, false));
    }
}

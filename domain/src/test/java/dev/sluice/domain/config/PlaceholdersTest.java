package dev.sluice.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one placeholder rule the functions (at init) and the Pulumi program (at preview) resolve documents with. */
class PlaceholdersTest {
    private static Function<String, Optional<String>> env(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    private static String resolve(String text, Map<String, String> values) {
        return Placeholders.resolve(text, env(values), "test");
    }

    @Test
    void aSetNameWinsOverItsDefaultAndAnUnsetOneTakesTheDefault() {
        assertThat(resolve("model: ${MODEL:-gpt-4o-mini}", Map.of("MODEL", "gpt-test")))
                .isEqualTo("model: gpt-test");
        assertThat(resolve("model: ${MODEL:-gpt-4o-mini}", Map.of())).isEqualTo("model: gpt-4o-mini");
        assertThat(resolve("rpm: ${RPM:-500}, tpm: ${TPM:-200000}", Map.of("TPM", "1")))
                .isEqualTo("rpm: 500, tpm: 1");
        assertThat(resolve("${A}${B}", Map.of("A", "x", "B", "y"))).isEqualTo("xy");
        assertThat(resolve("prefix: '${EMPTY:-}'", Map.of())).isEqualTo("prefix: ''");
    }

    @Test
    void aNameThatIsNotSetAndHasNoDefaultIsRefusedNamingTheSourceAndTheName() {
        assertThatThrownBy(() -> Placeholders.resolve("model: ${UNSET_Y}", env(Map.of()), "stack config"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack config refers to ${UNSET_Y}, which is not set and has no default");
    }

    @Test
    void aBlankValueCountsAsNotSetAsInTheFunctionsEnvironment() {
        assertThat(resolve("x: ${BLANK:-fallback}", Map.of("BLANK", " "))).isEqualTo("x: fallback");
        assertThatThrownBy(() -> resolve("x: ${BLANK}", Map.of("BLANK", "")))
                .hasMessage("test refers to ${BLANK}, which is not set and has no default");
    }

    @Test
    void valuesAndDefaultsAreTakenLiterally() {
        assertThat(resolve("key: ${KEY}", Map.of("KEY", "a$1\\b$"))).isEqualTo("key: a$1\\b$");
        assertThat(resolve("price: ${PRICE:-$5 \\ each}", Map.of())).isEqualTo("price: $5 \\ each");
        // A value is not resolved again.
        assertThat(resolve("url: ${URL}", Map.of("URL", "https://x/${TOKEN}", "TOKEN", "secret")))
                .isEqualTo("url: https://x/${TOKEN}");
    }

    @Test
    void textThatOnlyLooksLikeAPlaceholderIsLeftAlone() {
        for (String text : new String[] {
            "$NAME", "${lower}", "${Mixed}", "${}", "${NAME", "$ {NAME}", "${NAME-x}", "${NAME:=x}", "{{input.q}}"
        }) {
            assertThat(resolve(text, Map.of("NAME", "v"))).as(text).isEqualTo(text);
        }
        assertThat(resolve("no placeholders: 100% $ {x}", Map.of())).isEqualTo("no placeholders: 100% $ {x}");
    }

    @Test
    void aDefaultEndsAtTheFirstClosingBraceSoANestedPlaceholderIsNotResolved() {
        // The default of A is "${B:-c" and the "}" after it stays: the result is text, not resolved again.
        assertThat(resolve("v: ${A:-${B:-c}}", Map.of("B", "b"))).isEqualTo("v: ${B:-c}");
        assertThat(resolve("v: ${A:-${B:-c}}", Map.of("A", "a"))).isEqualTo("v: a}");
    }
}

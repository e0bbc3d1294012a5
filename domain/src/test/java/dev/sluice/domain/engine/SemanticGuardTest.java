package dev.sluice.domain.engine;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The words that decide whether two inputs that embed alike may share an answer. */
class SemanticGuardTest {
    @Provide
    Arbitrary<String> questions() {
        Arbitrary<String> word = Arbitraries.of(
                "how",
                "do",
                "I",
                "reset",
                "my",
                "password",
                "the",
                "refund",
                "policy",
                "shipping",
                "take",
                "long",
                "Acme",
                "X200",
                "router",
                "after",
                "30",
                "days",
                "not",
                "return",
                "item",
                "can",
                "you",
                "open",
                "Sunday",
                "store",
                "what",
                "is",
                "of",
                "France",
                "capital");
        return word.list().ofMinSize(1).ofMaxSize(12).map(words -> String.join(" ", words) + "?");
    }

    @Property
    void aQuestionMayShareItsOwnAnswer(@ForAll("questions") String q) {
        assertThat(SemanticGuard.compatible(q, q)).isTrue();
    }

    @Property
    void theVerdictDoesNotDependOnWhichCameFirst(@ForAll("questions") String a, @ForAll("questions") String b) {
        assertThat(SemanticGuard.compatible(a, b)).isEqualTo(SemanticGuard.compatible(b, a));
    }

    @Property
    void anotherNumberIsAnotherQuestion(
            @ForAll("questions") String q,
            @ForAll @IntRange(min = 0, max = 999) int n,
            @ForAll @IntRange(min = 1, max = 999) int d) {
        String earlier = q + " for " + n + " units";
        String later = q + " for " + (n + d) + " units";
        assertThat(SemanticGuard.compatible(earlier, later)).isFalse();
    }

    @Property
    void aNegationIsAnotherQuestion(@ForAll("questions") String q) {
        assertThat(SemanticGuard.compatible("Is it " + q, "Is it not " + q)).isFalse();
        assertThat(SemanticGuard.compatible("Do you " + q, "Don't you " + q)).isFalse();
    }

    @Test
    void wordingThatOnlyShapesTheQuestionIsLeftOut() {
        assertThat(SemanticGuard.compatible("How do I reset my password?", "How can I reset my password?"))
                .isTrue();
        assertThat(SemanticGuard.compatible(
                        "Can I return an item after 30 days?", "Is it possible to return an item after 30 days?"))
                .isTrue();
        assertThat(SemanticGuard.compatible(
                        "Summarize the causes of the French Revolution.",
                        "Summarise the causes of the French Revolution."))
                .isTrue();
    }

    @Test
    void namesCodesSwappedRolesAndOneWordForAnotherAreNot() {
        assertThat(SemanticGuard.compatible("What is the capital of France?", "What is the capital of Spain?"))
                .isFalse();
        assertThat(SemanticGuard.compatible("Is the Acme X200 fast?", "Is the Acme X300 fast?"))
                .isFalse();
        assertThat(SemanticGuard.compatible("Convert 100 dollars to euros.", "Convert 100 euros to dollars."))
                .isFalse();
        assertThat(SemanticGuard.compatible("Is the store open on Sunday?", "Is the store closed on Sunday?"))
                .isFalse();
        // "I" is capitalised everywhere, so it is no name.
        assertThat(SemanticGuard.compatible("How do I reset my password?", "What are the steps to reset my password?"))
                .isTrue();
    }
}

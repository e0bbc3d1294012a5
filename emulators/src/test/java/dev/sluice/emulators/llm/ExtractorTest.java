package dev.sluice.emulators.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExtractorTest {
    private final Extractor extractor = new Extractor(2);

    private static final String PROMPT = """
            Context:
            [1] The Eiffel Tower is in Paris. It was finished in 1889 for the World's Fair.
            It is 330 metres tall.

            [2] The Colosseum is in Rome. It could hold 50,000 spectators.

            [3] Paris has about two million inhabitants.

            Question: How tall is the Eiffel Tower?""";

    @Test
    void picksTheSentencesThatShareMostWordsWithTheQuestionAndCitesTheirBlocks() {
        assertThat(extractor.answer(PROMPT)).isEqualTo("The Eiffel Tower is in Paris. [1] It is 330 metres tall. [1]");
    }

    @Test
    void keepsTheOrderOfTheContextAndCitesEachBlock() {
        String prompt = PROMPT.replace("How tall is the Eiffel Tower?", "How many spectators or inhabitants?");

        assertThat(extractor.answer(prompt))
                .isEqualTo("It could hold 50,000 spectators. [2] Paris has about two million inhabitants. [3]");
    }

    @Test
    void saysSoWhenTheContextDoesNotCoverTheQuestion() {
        String prompt = PROMPT.replace("How tall is the Eiffel Tower?", "Who painted the Mona Lisa?");

        assertThat(extractor.answer(prompt)).isEqualTo(Extractor.NOT_FOUND);
    }

    @Test
    void aPromptWithoutNumberedContextHasNothingToAnswerFrom() {
        assertThat(extractor.answer("What is the capital of France?")).isEqualTo(Extractor.NO_CONTEXT);
    }

    @Test
    void withoutAQuestionLabelTheLastLineOutsideTheContextIsTheQuestion() {
        String prompt = "[1] Lambda functions time out after fifteen minutes at most.\n\nWhen do functions time out?";

        assertThat(extractor.answer(prompt)).isEqualTo("Lambda functions time out after fifteen minutes at most. [1]");
    }

    @Test
    void aBlockEndsAtABlankLineFollowedByOtherText() {
        assertThat(Extractor.blocks("[1] first\ncontinued\n\nQuestion: x\n[2] second"))
                .containsExactly(new Extractor.Block(1, "first continued"), new Extractor.Block(2, "second"));
    }

    @Test
    void aChunkOfSeveralParagraphsStaysOneBlockAndItsHeadingIsNeverAnAnswer() {
        String prompt = "Context:\n[1] # Admission control\n\nEvery provider limits requests per minute.\n\n"
                + "When the limiter denies a request, the hop is deferred with a delay.\n\n"
                + "Question: Why is throttled work deferred?";
        assertThat(Extractor.blocks(prompt)).hasSize(1);
        assertThat(extractor.answer(prompt))
                .isEqualTo("When the limiter denies a request, the hop is deferred with a delay. [1]");
    }
}

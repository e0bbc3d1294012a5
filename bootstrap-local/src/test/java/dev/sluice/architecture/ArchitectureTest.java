package dev.sluice.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every module's production classes obey the rings. */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // The domain's test-jar (fakes and contract suites) is test code too.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.sluice");
    }

    @Test
    void theImportSeesEveryRing() {
        // If a module fell off the classpath the rules would pass vacuously; make sure each ring is there.
        for (String ring : new String[] {
            "dev.sluice.domain.engine",
            "dev.sluice.adapter.aws.sqs",
            "dev.sluice.adapter.llm.openai",
            "dev.sluice.adapter.retrieval.lucene",
            "dev.sluice.bootstrap.processor",
            "dev.sluice.local"
        }) {
            assertThat(production.containPackage(ring)).as(ring).isTrue();
        }
    }

    @Test
    void domainIsPure() {
        check(ArchitectureRules.DOMAIN_IS_PURE);
        check(ArchitectureRules.MODEL_IS_THE_CENTRE);
    }

    @Test
    void adaptersAreIndependent() {
        check(ArchitectureRules.ADAPTERS_ARE_INDEPENDENT);
        check(ArchitectureRules.ADAPTERS_DO_NOT_SEE_BOOTSTRAP);
    }

    @Test
    void onlyBootstrapKnowsDaggerLambdaAndTheEnvironment() {
        check(ArchitectureRules.ONLY_BOOTSTRAP_KNOWS_DAGGER_AND_LAMBDA);
        check(ArchitectureRules.ONLY_BOOTSTRAP_READS_THE_ENVIRONMENT);
    }

    @Test
    void onlySettingsReadsTheFunctionsEnvironment() {
        check(ArchitectureRules.ONLY_SETTINGS_READS_THE_ENVIRONMENT);
    }

    @Test
    void handlersUseUseCases() {
        check(ArchitectureRules.HANDLERS_USE_USE_CASES);
    }

    private static void check(ArchRule rule) {
        rule.allowEmptyShould(true).check(production);
    }
}

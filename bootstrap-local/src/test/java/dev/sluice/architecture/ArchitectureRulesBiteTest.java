package dev.sluice.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.sluice.adapter.llm.archviolation.AdapterReachingIntoBootstrap;
import dev.sluice.adapter.llm.archviolation.AdapterUsingAnotherAdapter;
import dev.sluice.bootstrap.processor.archviolation.AdapterTouchingHandler;
import dev.sluice.bootstrap.shared.ConfigSource;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.bootstrap.shared.wiring.archviolation.ModuleReadingEnvironment;
import dev.sluice.domain.archviolation.DomainReadingEnvironment;
import dev.sluice.domain.archviolation.DomainUsingDagger;
import dev.sluice.domain.model.archviolation.ModelReachingOut;
import org.junit.jupiter.api.Test;

/** The rules are not vacuous: each one fails on a class written to break it. */
class ArchitectureRulesBiteTest {

    private static JavaClasses fixture(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    @Test
    void aDomainClassUsingDaggerBreaksPurityAndTheDiRule() {
        JavaClasses bad = fixture(DomainUsingDagger.class);
        assertThatThrownBy(() -> ArchitectureRules.DOMAIN_IS_PURE.check(bad))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("DomainUsingDagger");
        assertThatThrownBy(() -> ArchitectureRules.ONLY_BOOTSTRAP_KNOWS_DAGGER_AND_LAMBDA.check(bad))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dagger");
    }

    @Test
    void aModelValueReachingForTheConfigurationOrTheEngineIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.MODEL_IS_THE_CENTRE.check(fixture(ModelReachingOut.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Comeback")
                .hasMessageContaining("RunHopService");
    }

    @Test
    void aDomainClassReadingTheEnvironmentIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.ONLY_BOOTSTRAP_READS_THE_ENVIRONMENT.check(
                        fixture(DomainReadingEnvironment.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("System.getenv");
    }

    @Test
    void wiringReadingTheEnvironmentAroundSettingsIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.ONLY_SETTINGS_READS_THE_ENVIRONMENT.check(
                        fixture(ModuleReadingEnvironment.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ModuleReadingEnvironment.leaseChosen()")
                .hasMessageContaining("System.getenv(java.lang.String)")
                .as("a method reference counts too")
                .hasMessageContaining("System.getProperty(java.lang.String)")
                .as("the placeholders' whole environment is ConfigSource's alone")
                .hasMessageContaining("Settings$Variables.get(java.lang.String)");
        // Settings reads it, and ConfigSource resolves placeholders with what Settings read.
        ArchitectureRules.ONLY_SETTINGS_READS_THE_ENVIRONMENT.check(fixture(Settings.class, ConfigSource.class));
    }

    @Test
    void anAdapterUsingAnotherAdapterIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.ADAPTERS_ARE_INDEPENDENT.check(fixture(
                        AdapterUsingAnotherAdapter.class,
                        dev.sluice.adapter.retrieval.archviolation.OtherAdapter.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AdapterUsingAnotherAdapter");
    }

    @Test
    void anAdapterReachingIntoBootstrapIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.ADAPTERS_DO_NOT_SEE_BOOTSTRAP.check(
                        fixture(AdapterReachingIntoBootstrap.class, AdapterTouchingHandler.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AdapterReachingIntoBootstrap");
    }

    @Test
    void aHandlerUsingAnAdapterIsCaught() {
        assertThatThrownBy(() -> ArchitectureRules.HANDLERS_USE_USE_CASES.check(fixture(
                        AdapterTouchingHandler.class, dev.sluice.adapter.retrieval.archviolation.OtherAdapter.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("AdapterTouchingHandler");
    }
}

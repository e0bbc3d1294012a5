package dev.sluice.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/** The rings of sluice, as rules that fail the build. */
final class ArchitectureRules {
    private ArchitectureRules() {}

    private static final String[] BOOTSTRAP = {"dev.sluice.bootstrap..", "dev.sluice.local.."};

    /** The domain is plain Java: it depends on the JDK and itself, nothing else. */
    static final ArchRule DOMAIN_IS_PURE = classes()
            .that()
            .resideInAPackage("dev.sluice.domain..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.sluice.domain..")
            .because("the domain core must stay pure Java (DESIGN.md)");

    /**
     * The model is the centre of the domain: records and values depend on the JDK and each other, never on the
     * configuration, the ports or the engine that use them.
     */
    static final ArchRule MODEL_IS_THE_CENTRE = classes()
            .that()
            .resideInAPackage("dev.sluice.domain.model..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "dev.sluice.domain.model")
            .because("every other ring of the domain points inwards to the model (DESIGN.md)");

    /** Adapters never see each other or the bootstrap that wires them. */
    static final ArchRule ADAPTERS_ARE_INDEPENDENT = slices().matching("dev.sluice.adapter.(*)..")
            .should()
            .notDependOnEachOther()
            .because("adapters only implement domain ports");

    static final ArchRule ADAPTERS_DO_NOT_SEE_BOOTSTRAP = noClasses()
            .that()
            .resideInAPackage("dev.sluice.adapter..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(BOOTSTRAP)
            .because("wiring points inwards, never outwards");

    /** Dagger, the Lambda runtime types and the process environment belong to the bootstrap modules only. */
    static final ArchRule ONLY_BOOTSTRAP_KNOWS_DAGGER_AND_LAMBDA = noClasses()
            .that()
            .resideOutsideOfPackages(BOOTSTRAP)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dagger..", "javax.inject..", "jakarta.inject..", "com.amazonaws.services.lambda.runtime..")
            .because("domain and adapters carry no DI annotations and no Lambda types");

    static final ArchRule ONLY_BOOTSTRAP_READS_THE_ENVIRONMENT = noClasses()
            .that()
            .resideOutsideOfPackages(BOOTSTRAP)
            .should()
            .callMethod(System.class, "getenv", String.class)
            .orShould()
            .callMethod(System.class, "getenv")
            .because("adapters take typed settings; only bootstrap reads the environment");

    private static final String SETTINGS = "dev.sluice.bootstrap.shared.Settings";
    private static final String ENV = "dev.sluice.bootstrap.shared.Env";
    private static final String CONFIG_SOURCE = "dev.sluice.bootstrap.shared.ConfigSource";

    private static boolean isSettings(JavaClass c) {
        return c.getName().equals(SETTINGS) || c.getName().startsWith(SETTINGS + "$");
    }

    /**
     * Reading the process environment: {@code System.getenv}, {@code System.getProperty} and
     * {@code System.getProperties} (called or referenced), Settings' helper {@code Env}, and the whole environment
     * Settings keeps for the configuration's placeholders ({@code Settings.Variables}, ConfigSource's alone).
     */
    private static boolean readsTheEnvironment(JavaClass origin, AccessTarget target) {
        String owner = target.getOwner().getName();
        if (owner.equals("java.lang.System")) {
            return Set.of("getenv", "getProperty", "getProperties").contains(target.getName());
        }
        if (owner.equals(ENV) || owner.startsWith(ENV + "$")) {
            return true;
        }
        return owner.equals(SETTINGS + "$Variables") && !origin.getName().equals(CONFIG_SOURCE);
    }

    /** The functions' environment is read in one place, once, at init: Settings (README, "Deploying"). */
    static final ArchRule ONLY_SETTINGS_READS_THE_ENVIRONMENT = classes()
            .that()
            .resideInAPackage("dev.sluice.bootstrap..")
            .and(DescribedPredicate.describe(
                    "are not Settings or its Env",
                    c -> !isSettings(c) && !c.getName().equals(ENV)))
            .should(new ArchCondition<JavaClass>("take what the environment says from Settings") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    for (JavaAccess<?> access : c.getAccessesFromSelf()) {
                        if (readsTheEnvironment(c, access.getTarget())) {
                            events.add(SimpleConditionEvent.violated(access, access.getDescription()));
                        }
                    }
                }
            })
            .because("the environment is read once, in Settings; modules and handlers take its fields (DESIGN.md)");

    /** A handler talks to use cases; it never reaches for an adapter itself. */
    static final ArchRule HANDLERS_USE_USE_CASES = noClasses()
            .that()
            .haveSimpleNameEndingWith("Handler")
            .and()
            .resideInAPackage("dev.sluice.bootstrap..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.sluice.adapter..")
            .because("handlers depend on use cases; Dagger modules choose the adapters");

    static final ArchRule[] ALL = {
        DOMAIN_IS_PURE,
        MODEL_IS_THE_CENTRE,
        ADAPTERS_ARE_INDEPENDENT,
        ADAPTERS_DO_NOT_SEE_BOOTSTRAP,
        ONLY_BOOTSTRAP_KNOWS_DAGGER_AND_LAMBDA,
        ONLY_BOOTSTRAP_READS_THE_ENVIRONMENT,
        ONLY_SETTINGS_READS_THE_ENVIRONMENT,
        HANDLERS_USE_USE_CASES
    };

    static boolean isProduction(JavaClass c) {
        return !c.getPackageName().contains("archviolation");
    }
}

package dev.sluice.bootstrap.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a function learns from its environment, read from a map as it would be from the process. */
class SettingsTest {
    /** The names the deployment always sets. */
    static Map<String, String> required() {
        return Map.of(
                "SLUICE_WORK_QUEUE_URL", "https://sqs/work",
                "SLUICE_FINALIZE_QUEUE_URL", "https://sqs/finalize",
                "SLUICE_INGEST_QUEUE_URL", "https://sqs/ingest",
                "SLUICE_JOBS_TABLE", "jobs",
                "SLUICE_CACHE_TABLE", "cache",
                "SLUICE_LIMITS_TABLE", "limits",
                "SLUICE_BUCKET", "bucket");
    }

    static Settings with(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(required());
        env.putAll(more);
        return Settings.from(env);
    }

    @Test
    void aNameTheDeploymentMustSetIsRequired() {
        Map<String, String> env = new HashMap<>(required());
        env.remove("SLUICE_BUCKET");
        assertThatThrownBy(() -> Settings.from(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("environment variable SLUICE_BUCKET is not set (the deployment sets it; locally the sluice"
                        + " CLI does)");
        env.put("SLUICE_BUCKET", "  ");
        assertThatThrownBy(() -> Settings.from(env)).hasMessageContaining("SLUICE_BUCKET is not set");
    }

    @Test
    void everythingElseHasItsDefault() {
        Settings s = Settings.from(required());
        assertThat(s.workQueueUrl()).isEqualTo("https://sqs/work");
        assertThat(s.bucket()).isEqualTo("bucket");
        assertThat(s.eventBus()).isEqualTo("default");
        assertThat(s.vectorStore()).isEqualTo("lucene");
        assertThat(s.embedder()).isEqualTo("minilm");
        assertThat(s.maxReceiveCount()).isEqualTo(5);
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.trustTenantHeader()).isFalse();
        assertThat(s.leaseChosen()).isFalse();
        assertThat(s.serviceName()).isEqualTo("sluice");
        assertThat(s.metricsNamespace()).isEqualTo("Sluice");
        assertThat(s.embedderBaseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(s.embedderApiKeySecret()).isEqualTo("sluice/openai");
        assertThat(s.embedderModel()).isEmpty();
        assertThat(s.luceneDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "sluice-lucene"));
        assertThat(s.tenancy()).isEqualTo(new Settings.Tenancy("sub", Map.of(), java.util.Set.of(), Map.of()));
        assertThat(s.secrets().fromEnvironment()).isFalse();
        assertThat(s.workerConcurrency()).isEqualTo(10);
        assertThat(s.endpoints().sqs()).isEmpty();
    }

    @Test
    void eachNameSetsItsField() {
        Settings s = with(Map.ofEntries(
                Map.entry("SLUICE_LEASE", "10s"),
                Map.entry("POWERTOOLS_SERVICE_NAME", "sluice-local"),
                Map.entry("POWERTOOLS_METRICS_NAMESPACE", "SluiceDev"),
                Map.entry("SLUICE_EMBEDDER", "openai"),
                Map.entry("SLUICE_EMBEDDER_BASE_URL", "http://127.0.0.1:9/v1"),
                Map.entry("SLUICE_EMBEDDER_API_KEY_SECRET", "team/openai"),
                Map.entry("SLUICE_EMBEDDER_MODEL", "text-embedding-3-large"),
                Map.entry("SLUICE_LUCENE_DIR", "/var/sluice/lucene"),
                Map.entry("SLUICE_WORKER_CONCURRENCY", "3"),
                Map.entry("SLUICE_MAX_RECEIVE_COUNT", "8"),
                Map.entry("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                Map.entry("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324")));
        assertThat(s.leaseChosen()).isTrue();
        assertThat(s.serviceName()).isEqualTo("sluice-local");
        assertThat(s.metricsNamespace()).isEqualTo("SluiceDev");
        assertThat(s.embedder()).isEqualTo("openai");
        assertThat(s.embedderBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/v1"));
        assertThat(s.embedderApiKeySecret()).isEqualTo("team/openai");
        assertThat(s.embedderModel()).contains("text-embedding-3-large");
        assertThat(s.luceneDir()).isEqualTo(Path.of("/var/sluice/lucene"));
        assertThat(s.workerConcurrency()).isEqualTo(3);
        assertThat(s.maxReceiveCount()).isEqualTo(8);
        assertThat(s.endpoints().sqs()).contains(URI.create("http://127.0.0.1:9324"));
        assertThat(s.endpoints().s3()).as("the shared override").contains(URI.create("http://127.0.0.1:4566"));
    }

    @Test
    void aBlankValueIsUnset() {
        Settings s = with(Map.of("SLUICE_LEASE", " ", "SLUICE_TENANT_CLAIM", "", "SLUICE_EVENT_BUS", " "));
        assertThat(s.leaseChosen()).isFalse();
        assertThat(s.tenancy().tenantClaim()).isEqualTo("sub");
        assertThat(s.eventBus()).isEqualTo("default");
    }

    @Test
    void tenancyListsArePairsABareNameMappingToItself() {
        Settings.Tenancy t = with(Map.of(
                        "SLUICE_TENANT_CLAIM", "custom:tenant",
                        "SLUICE_IAM_TENANTS", " OrdersService = acme, Reports=globex,,",
                        "SLUICE_OPERATOR_ROLES", "Ops, Oncall=ignored",
                        "SLUICE_EVENT_SOURCES", "orders.app=acme,reports"))
                .tenancy();
        assertThat(t.tenantClaim()).isEqualTo("custom:tenant");
        assertThat(t.iamTenants()).isEqualTo(Map.of("OrdersService", "acme", "Reports", "globex"));
        assertThat(t.operatorRoles()).containsExactlyInAnyOrder("Ops", "Oncall");
        assertThat(t.eventSources()).isEqualTo(Map.of("orders.app", "acme", "reports", "reports"));
    }

    @Test
    void keysInTheEnvironmentAreCapturedOnlyWhenSecretsComeFromIt() {
        Map<String, String> keys = Map.of(
                "SLUICE_SECRET_SLUICE_OPENAI", "local-simulator",
                "ANTHROPIC_API_KEY", "sk-ant",
                "SLUICE_OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        assertThat(with(keys).secrets()).isEqualTo(new Settings.SecretSource(false, Map.of()));

        Map<String, String> local = new HashMap<>(keys);
        local.put("SLUICE_SECRETS", "env");
        Settings.SecretSource secrets = with(local).secrets();
        assertThat(secrets.fromEnvironment()).isTrue();
        assertThat(secrets.variables())
                .isEqualTo(Map.of("SLUICE_SECRET_SLUICE_OPENAI", "local-simulator", "ANTHROPIC_API_KEY", "sk-ant"));
        assertThat(secrets.toString())
                .contains("ANTHROPIC_API_KEY", "SLUICE_SECRET_SLUICE_OPENAI")
                .doesNotContain("sk-ant", "local-simulator");
    }

    @Test
    void theVariablesServePlaceholdersAndNeverPrintTheirValues() {
        Settings s = with(Map.of("SLUICE_FAST_MODEL", "gpt-test", "OPENAI_API_KEY", "sk-secret"));
        assertThat(s.variables().get("SLUICE_FAST_MODEL")).contains("gpt-test");
        assertThat(s.variables().get("SLUICE_UNSET")).isEqualTo(Optional.empty());
        assertThat(s.toString()).doesNotContain("sk-secret", "OPENAI_API_KEY");
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironmentAndBlankIsUnset() {
        String name = "SLUICE_SETTINGS_TEST_" + System.nanoTime();
        System.setProperty(name, "from-property");
        try {
            assertThat(Settings.Variables.fromEnvironment().get(name)).contains("from-property");
            System.setProperty(name, " ");
            assertThat(Settings.Variables.fromEnvironment().get(name)).isEmpty();
        } finally {
            System.clearProperty(name);
        }
    }
}

package dev.sluice.bootstrap.shared;

import java.net.URI;
import java.util.Optional;

/**
 * Everything a function learns from its environment, read once at init. Names are the contract with the Pulumi
 * program (README, "Deploying").
 */
public record Settings(
        String workQueueUrl,
        String finalizeQueueUrl,
        String ingestQueueUrl,
        String jobsTable,
        String cacheTable,
        String limitsTable,
        String bucket,
        String eventBus,
        Optional<String> configParameter,
        Optional<String> configFile,
        String vectorStore,
        Optional<String> openSearchEndpoint,
        Optional<String> openSearchSigV4,
        Optional<String> pineconeHost,
        Optional<String> pineconeApiKeySecret,
        String embedder,
        int maxReceiveCount,
        String region,
        Endpoints endpoints,
        boolean trustTenantHeader) {

    /** Endpoint overrides for local stand-ins (the standard {@code AWS_ENDPOINT_URL_*} names); empty in AWS. */
    public record Endpoints(
            Optional<URI> sqs,
            Optional<URI> s3,
            Optional<URI> dynamodb,
            Optional<URI> eventbridge,
            Optional<URI> secretsmanager,
            Optional<URI> ssm,
            Optional<URI> bedrock) {
        static Endpoints fromEnvironment() {
            return new Endpoints(
                    uri("AWS_ENDPOINT_URL_SQS"),
                    uri("AWS_ENDPOINT_URL_S3"),
                    uri("AWS_ENDPOINT_URL_DYNAMODB"),
                    uri("AWS_ENDPOINT_URL_EVENTBRIDGE"),
                    uri("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
                    uri("AWS_ENDPOINT_URL_SSM"),
                    uri("AWS_ENDPOINT_URL_BEDROCK_RUNTIME"));
        }

        private static Optional<URI> uri(String name) {
            return Env.get(name).or(() -> Env.get("AWS_ENDPOINT_URL")).map(URI::create);
        }
    }

    public static Settings fromEnvironment() {
        return new Settings(
                Env.require("SLUICE_WORK_QUEUE_URL"),
                Env.require("SLUICE_FINALIZE_QUEUE_URL"),
                Env.require("SLUICE_INGEST_QUEUE_URL"),
                Env.require("SLUICE_JOBS_TABLE"),
                Env.require("SLUICE_CACHE_TABLE"),
                Env.require("SLUICE_LIMITS_TABLE"),
                Env.require("SLUICE_BUCKET"),
                Env.get("SLUICE_EVENT_BUS").orElse("default"),
                Env.get("SLUICE_CONFIG_PARAMETER"),
                Env.get("SLUICE_CONFIG_FILE"),
                Env.get("SLUICE_VECTOR_STORE").orElse("lucene"),
                Env.get("SLUICE_OPENSEARCH_ENDPOINT"),
                Env.get("SLUICE_OPENSEARCH_SIGV4"),
                Env.get("SLUICE_PINECONE_HOST"),
                Env.get("SLUICE_PINECONE_API_KEY_SECRET"),
                Env.get("SLUICE_EMBEDDER").orElse("minilm"),
                Integer.parseInt(Env.get("SLUICE_MAX_RECEIVE_COUNT").orElse("5")),
                Env.get("AWS_REGION").orElse("us-east-1"),
                Endpoints.fromEnvironment(),
                Boolean.parseBoolean(Env.get("SLUICE_TRUST_TENANT_HEADER").orElse("false")));
    }
}

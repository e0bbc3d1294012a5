package dev.sluice.infra;

import com.pulumi.asset.FileAsset;
import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.cloudwatch.LogGroupArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.aws.lambda.Alias;
import com.pulumi.aws.lambda.AliasArgs;
import com.pulumi.aws.lambda.EventSourceMapping;
import com.pulumi.aws.lambda.EventSourceMappingArgs;
import com.pulumi.aws.lambda.Function;
import com.pulumi.aws.lambda.FunctionArgs;
import com.pulumi.aws.lambda.LayerVersion;
import com.pulumi.aws.lambda.LayerVersionArgs;
import com.pulumi.aws.lambda.ProvisionedConcurrencyConfig;
import com.pulumi.aws.lambda.ProvisionedConcurrencyConfigArgs;
import com.pulumi.aws.lambda.inputs.EventSourceMappingScalingConfigArgs;
import com.pulumi.aws.lambda.inputs.FunctionEnvironmentArgs;
import com.pulumi.aws.lambda.inputs.FunctionLoggingConfigArgs;
import com.pulumi.aws.lambda.inputs.FunctionSnapStartArgs;
import com.pulumi.aws.lambda.inputs.FunctionTracingConfigArgs;
import com.pulumi.aws.s3.BucketObjectv2;
import com.pulumi.aws.s3.BucketObjectv2Args;
import com.pulumi.core.Output;
import com.pulumi.resources.CustomResourceOptions;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The four functions of the runtime contract, each with its own role, log group and (for consumers) SQS event
 * source mapping; published behind an alias {@code live} when SnapStart or provisioned concurrency asks for versions.
 */
final class Functions {
    static final String ALIAS = "live";

    /** A deployed function and the ARNs its callers should use (the alias when there is one). */
    record Deployed(
            FunctionRole role,
            String name,
            Function function,
            Output<String> invokeTarget,
            Output<String> apiInvokeArn,
            Optional<String> qualifier,
            Output<String> roleArn) {}

    private Functions() {}

    static Map<FunctionRole, Deployed> create(
            StackSettings s, Permissions permissions, Map<String, Output<String>> environment) {
        Map<String, Output<String>> layers = new LinkedHashMap<>();
        Map<FunctionRole, Deployed> out = new EnumMap<>(FunctionRole.class);
        for (FunctionRole role : s.roles()) {
            Code code = upload(s, permissions.data(), Artifact.of(s.artifacts(), role.key()));
            List<Output<String>> arns = new java.util.ArrayList<>(s.layers(role).stream()
                    .map(name -> layers.computeIfAbsent(name, n -> layer(s, permissions.data(), n)))
                    .toList());
            // The collector extension that takes the functions' OTLP on localhost to X-Ray.
            s.tracing().collectorLayerArn().ifPresent(arn -> arns.add(Output.of(arn)));
            out.put(role, function(s, permissions, environment, role, code, arns));
        }
        return out;
    }

    /** Where a function loads its code from: its own zip, uploaded once per build. */
    private record Code(Output<String> bucket, Output<String> key, String sha256Base64) {}

    /**
     * A zip goes to the stack's bucket once, under a key named by its hash; the function (or layer) loads it from
     * there. A new build of it is a new key: the object is replaced and the code updated; an unchanged zip changes
     * nothing, so rebuilding one function's code redeploys that function only.
     */
    private static Code upload(StackSettings s, DataPlane data, Artifact artifact) {
        BucketObjectv2 object = new BucketObjectv2(
                s.prefix() + "-" + artifact.name() + "-artifact",
                BucketObjectv2Args.builder()
                        .bucket(data.bucket().bucket())
                        .key(artifact.key())
                        .source(new FileAsset(artifact.path().toString()))
                        .contentType("application/zip")
                        .build());
        return new Code(object.bucket(), object.key(), artifact.sha256Base64());
    }

    /**
     * An opt-in part as a layer version ({@code sluice-layer-<name>.zip}: the MiniLM embedder for one architecture,
     * the OpenSearch client, the Pinecone client), its jars under {@code java/lib} on the function's classpath.
     */
    private static Output<String> layer(StackSettings s, DataPlane data, String name) {
        Code code = upload(s, data, Artifact.of(s.artifacts(), "layer-" + name));
        LayerVersionArgs.Builder args = LayerVersionArgs.builder()
                .layerName(s.prefix() + "-" + name)
                .description("sluice " + name + " (" + s.stack() + ")")
                .s3Bucket(code.bucket())
                .s3Key(code.key())
                .sourceCodeHash(code.sha256Base64())
                .compatibleRuntimes("java21");
        if (name.startsWith("minilm-")) {
            // Its natives are for one architecture only.
            args.compatibleArchitectures(s.architecture());
        }
        return new LayerVersion(s.prefix() + "-" + name + "-layer", args.build()).arn();
    }

    private static Deployed function(
            StackSettings s,
            Permissions permissions,
            Map<String, Output<String>> environment,
            FunctionRole role,
            Code code,
            List<Output<String>> layers) {
        FunctionSettings f = s.function(role);
        String name = s.prefix() + "-" + role.key();
        LogGroup logs = new LogGroup(
                name + "-logs",
                LogGroupArgs.builder()
                        .name("/aws/lambda/" + name)
                        .retentionInDays(s.logRetentionDays())
                        .build());
        Role iamRole = new Role(
                name + "-role",
                RoleArgs.builder()
                        .name(name)
                        .description("sluice " + role.key() + " function, stack " + s.stack())
                        .assumeRolePolicy(PolicyDocument.assumeRole("lambda.amazonaws.com"))
                        .build());
        RolePolicy policy = new RolePolicy(
                name + "-policy",
                RolePolicyArgs.builder()
                        .name(name)
                        .role(iamRole.id())
                        .policy(permissions
                                .function(role, logs.arn(), consumesFromLambda(s, role))
                                .toJson())
                        .build());

        Map<String, Output<String>> env = new LinkedHashMap<>(environment);
        env.put("POWERTOOLS_SERVICE_NAME", Output.of(name));
        if (role == FunctionRole.BATCHER) {
            permissions.bedrockBatchRole().ifPresent(arn -> env.put("SLUICE_BEDROCK_BATCH_ROLE_ARN", arn));
        }
        // Versions only where a version is needed; each is a full copy of the zip in Lambda's code storage, so the
        // ones alias `live` no longer points at are pruned after `pulumi up` (prune-versions.sh, DEPLOY.md).
        boolean versioned = s.publishes(role);
        FunctionArgs.Builder args = FunctionArgs.builder()
                .name(name)
                .description("sluice " + role.key() + " (" + s.stack() + ")")
                .role(iamRole.arn())
                .runtime("java21")
                .architectures(List.of(s.architecture()))
                .handler(role.handler())
                .s3Bucket(code.bucket())
                .s3Key(code.key())
                // Lambda's CodeSha256 of the zip: the provider sees a new build even if the key were reused.
                .sourceCodeHash(code.sha256Base64())
                .layers(Output.all(layers))
                .memorySize(f.memoryMb())
                .timeout(f.timeoutSeconds())
                .environment(FunctionEnvironmentArgs.builder()
                        .variables(Outputs.map(env))
                        .build())
                .loggingConfig(FunctionLoggingConfigArgs.builder()
                        .logFormat("Text")
                        .logGroup(logs.name())
                        .build())
                .publish(versioned);
        f.reservedConcurrency().ifPresent(args::reservedConcurrentExecutions);
        if (s.tracing().xray()) {
            args.tracingConfig(
                    FunctionTracingConfigArgs.builder().mode("Active").build());
        }
        if (s.snapStart()) {
            args.snapStart(
                    FunctionSnapStartArgs.builder().applyOn("PublishedVersions").build());
        }
        Function function = new Function(
                name,
                args.build(),
                // The log group must exist first, or Lambda creates one that never expires.
                CustomResourceOptions.builder().dependsOn(logs, policy).build());

        Output<String> target = function.arn();
        Output<String> apiArn = function.invokeArn();
        Optional<String> qualifier = Optional.empty();
        if (versioned) {
            Alias alias = new Alias(
                    name + "-alias",
                    AliasArgs.builder()
                            .name(ALIAS)
                            .functionName(function.name())
                            .functionVersion(function.version())
                            .build());
            target = alias.arn();
            apiArn = alias.invokeArn();
            qualifier = Optional.of(ALIAS);
            if (f.provisionedConcurrency() > 0) {
                new ProvisionedConcurrencyConfig(
                        name + "-provisioned",
                        ProvisionedConcurrencyConfigArgs.builder()
                                .functionName(function.name())
                                .qualifier(alias.name())
                                .provisionedConcurrentExecutions(f.provisionedConcurrency())
                                .build());
            }
        }

        Deployed deployed = new Deployed(role, name, function, target, apiArn, qualifier, iamRole.arn());
        if (role.consumes().isPresent() && consumesFromLambda(s, role)) {
            eventSource(
                    s,
                    deployed,
                    f,
                    policy,
                    permissions.data().queueArn(role.consumes().get()));
        }
        return deployed;
    }

    /** In {@code fargate} mode the container worker polls every queue, so no function consumes one. */
    static boolean consumesFromLambda(StackSettings s, FunctionRole role) {
        return role.consumes().isPresent() && s.consumers() == StackSettings.Consumers.LAMBDA;
    }

    private static void eventSource(
            StackSettings s, Deployed fn, FunctionSettings f, RolePolicy policy, Output<String> queueArn) {
        EventSourceMappingArgs.Builder args = EventSourceMappingArgs.builder()
                .eventSourceArn(queueArn)
                .functionName(fn.invokeTarget())
                .batchSize(f.batchSize())
                .maximumBatchingWindowInSeconds(f.batchingWindowSeconds())
                // Handlers answer with the failed message ids only; the rest of the batch is deleted.
                .functionResponseTypes("ReportBatchItemFailures");
        Optional<Integer> concurrency =
                fn.role() == FunctionRole.PROCESSOR ? Optional.of(s.processorMaxConcurrency()) : f.maxConcurrency();
        concurrency.ifPresent(c -> args.scalingConfig(EventSourceMappingScalingConfigArgs.builder()
                .maximumConcurrency(c)
                .build()));
        new EventSourceMapping(
                fn.name() + "-esm",
                args.build(),
                // Lambda checks the role can read the queue when the mapping is created.
                CustomResourceOptions.builder().dependsOn(policy).build());
    }
}

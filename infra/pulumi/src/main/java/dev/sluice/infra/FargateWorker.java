package dev.sluice.infra;

import com.google.gson.GsonBuilder;
import com.pulumi.aws.appautoscaling.Policy;
import com.pulumi.aws.appautoscaling.PolicyArgs;
import com.pulumi.aws.appautoscaling.Target;
import com.pulumi.aws.appautoscaling.TargetArgs;
import com.pulumi.aws.appautoscaling.inputs.PolicyTargetTrackingScalingPolicyConfigurationArgs;
import com.pulumi.aws.appautoscaling.inputs.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs;
import com.pulumi.aws.appautoscaling.inputs.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs;
import com.pulumi.aws.appautoscaling.inputs.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatArgs;
import com.pulumi.aws.appautoscaling.inputs.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs;
import com.pulumi.aws.appautoscaling.inputs.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs;
import com.pulumi.aws.cloudwatch.LogGroup;
import com.pulumi.aws.cloudwatch.LogGroupArgs;
import com.pulumi.aws.ec2.SecurityGroup;
import com.pulumi.aws.ec2.SecurityGroupArgs;
import com.pulumi.aws.ec2.inputs.SecurityGroupEgressArgs;
import com.pulumi.aws.ecs.Cluster;
import com.pulumi.aws.ecs.ClusterArgs;
import com.pulumi.aws.ecs.Service;
import com.pulumi.aws.ecs.ServiceArgs;
import com.pulumi.aws.ecs.TaskDefinition;
import com.pulumi.aws.ecs.TaskDefinitionArgs;
import com.pulumi.aws.ecs.inputs.ClusterSettingArgs;
import com.pulumi.aws.ecs.inputs.ServiceDeploymentCircuitBreakerArgs;
import com.pulumi.aws.ecs.inputs.ServiceNetworkConfigurationArgs;
import com.pulumi.aws.ecs.inputs.TaskDefinitionRuntimePlatformArgs;
import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.core.Output;
import com.pulumi.resources.CustomResourceOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code consumers: fargate}: the local runtime's container worker ({@code bootstrap-local}, command {@code worker})
 * as an ECS Fargate service polling the same three queues, scaled on the backlog per running task.
 */
final class FargateWorker {
    private static final Pattern ECR_IMAGE =
            Pattern.compile("^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com/([^:@]+)[:@].+$");

    private FargateWorker() {}

    /** The worker's metric service name ({@code POWERTOOLS_SERVICE_NAME}). */
    static String serviceName(StackSettings s) {
        return s.prefix() + "-worker";
    }

    /** The running service and the role its tasks act as. */
    record Deployed(Service service, Output<String> taskRoleArn) {}

    static Deployed create(
            StackSettings s,
            StackSettings.Fargate f,
            Permissions permissions,
            Map<String, Output<String>> environment,
            Output<String> region) {
        String name = serviceName(s);
        LogGroup logs = new LogGroup(
                name + "-logs",
                LogGroupArgs.builder()
                        .name("/ecs/" + name)
                        .retentionInDays(s.logRetentionDays())
                        .build());

        Role execution = new Role(
                name + "-execution-role",
                RoleArgs.builder()
                        .name(name + "-execution")
                        .assumeRolePolicy(PolicyDocument.assumeRole("ecs-tasks.amazonaws.com"))
                        .build());
        PolicyDocument pull = new PolicyDocument();
        Permissions.logs(pull, logs.arn());
        Matcher ecr = ECR_IMAGE.matcher(f.image());
        if (ecr.matches()) {
            pull.allow("EcrAuthToken", List.of("ecr:GetAuthorizationToken"), List.of(Output.of("*")));
            pull.allow(
                    "PullWorkerImage",
                    List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"),
                    List.of(Output.of(
                            "arn:aws:ecr:" + ecr.group(2) + ":" + ecr.group(1) + ":repository/" + ecr.group(3))));
        }
        new RolePolicy(
                name + "-execution-policy",
                RolePolicyArgs.builder()
                        .name(name + "-execution")
                        .role(execution.id())
                        .policy(pull.toJson())
                        .build());

        Role task = new Role(
                name + "-task-role",
                RoleArgs.builder()
                        .name(name + "-task")
                        .assumeRolePolicy(PolicyDocument.assumeRole("ecs-tasks.amazonaws.com"))
                        .build());
        RolePolicy taskPolicy = new RolePolicy(
                name + "-task-policy",
                RolePolicyArgs.builder()
                        .name(name + "-task")
                        .role(task.id())
                        .policy(permissions.worker().toJson())
                        .build());

        Map<String, Output<String>> env = new LinkedHashMap<>(environment);
        env.put("POWERTOOLS_SERVICE_NAME", Output.of(name));
        Output<String> containers = Output.tuple(Outputs.map(env), logs.name(), region)
                .applyValue(t -> containerDefinitions(f, t.t1, t.t2, t.t3));

        TaskDefinition definition = new TaskDefinition(
                name,
                TaskDefinitionArgs.builder()
                        .family(name)
                        .requiresCompatibilities("FARGATE")
                        .networkMode("awsvpc")
                        .cpu(String.valueOf(f.cpu()))
                        .memory(String.valueOf(f.memory()))
                        .runtimePlatform(TaskDefinitionRuntimePlatformArgs.builder()
                                .operatingSystemFamily("LINUX")
                                .cpuArchitecture(s.architecture().equals("arm64") ? "ARM64" : "X86_64")
                                .build())
                        .executionRoleArn(execution.arn())
                        .taskRoleArn(task.arn())
                        .containerDefinitions(containers)
                        .build());

        Cluster cluster = new Cluster(
                name + "-cluster",
                ClusterArgs.builder()
                        .name(name)
                        // RunningTaskCount, the denominator of the scaling metric, comes from Container Insights.
                        .settings(ClusterSettingArgs.builder()
                                .name("containerInsights")
                                .value("enabled")
                                .build())
                        .build());

        List<Output<String>> groups = new ArrayList<>();
        f.securityGroupIds().forEach(g -> groups.add(Output.of(g)));
        if (groups.isEmpty()) {
            SecurityGroup egressOnly = new SecurityGroup(
                    name + "-sg",
                    SecurityGroupArgs.builder()
                            .name(name)
                            .description("sluice worker: no inbound; HTTPS out to AWS APIs and model providers")
                            .vpcId(f.vpcId().orElseThrow())
                            .egress(SecurityGroupEgressArgs.builder()
                                    .description("HTTPS")
                                    .protocol("tcp")
                                    .fromPort(443)
                                    .toPort(443)
                                    .cidrBlocks("0.0.0.0/0")
                                    .build())
                            .build());
            groups.add(egressOnly.id());
        }

        Service service = new Service(
                name,
                ServiceArgs.builder()
                        .name(name)
                        .cluster(cluster.arn())
                        .taskDefinition(definition.arn())
                        .launchType("FARGATE")
                        .desiredCount(f.minTasks())
                        .deploymentCircuitBreaker(ServiceDeploymentCircuitBreakerArgs.builder()
                                .enable(true)
                                .rollback(true)
                                .build())
                        .networkConfiguration(ServiceNetworkConfigurationArgs.builder()
                                .subnets(f.subnetIds())
                                .securityGroups(Output.all(groups))
                                .assignPublicIp(f.assignPublicIp())
                                .build())
                        .build(),
                // Scaling owns the task count after the first deployment.
                CustomResourceOptions.builder()
                        .ignoreChanges("desiredCount")
                        .dependsOn(taskPolicy)
                        .build());

        Target target = new Target(
                name + "-scaling",
                TargetArgs.builder()
                        .serviceNamespace("ecs")
                        .scalableDimension("ecs:service:DesiredCount")
                        .resourceId(Output.format("service/%s/%s", cluster.name(), service.name()))
                        .minCapacity(f.minTasks())
                        .maxCapacity(f.maxTasks())
                        .build());
        new Policy(
                name + "-backlog-per-task",
                PolicyArgs.builder()
                        .name(name + "-backlog-per-task")
                        .policyType("TargetTrackingScaling")
                        .serviceNamespace(target.serviceNamespace())
                        .scalableDimension(target.scalableDimension())
                        .resourceId(target.resourceId())
                        .targetTrackingScalingPolicyConfiguration(
                                PolicyTargetTrackingScalingPolicyConfigurationArgs.builder()
                                        .targetValue((double) f.backlogPerTask())
                                        .scaleOutCooldown(60)
                                        .scaleInCooldown(300)
                                        .customizedMetricSpecification(backlogPerTask(s, name))
                                        .build())
                        .build());
        return new Deployed(service, task.arn());
    }

    /**
     * Messages waiting in the three queues divided by running tasks: AWS's recommended SQS scaling metric. Target
     * tracking then keeps each task's share of the backlog at {@code backlogPerTask}.
     */
    private static PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs backlogPerTask(
            StackSettings s, String name) {
        List<PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs> metrics =
                new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String queue : Definitions.QUEUES) {
            String id = "q" + queue;
            ids.add(id);
            metrics.add(stat(
                    id,
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    "Sum",
                    Map.of("QueueName", s.prefix() + "-" + queue)));
        }
        metrics.add(stat(
                "tasks",
                "ECS/ContainerInsights",
                "RunningTaskCount",
                "Average",
                Map.of("ClusterName", name, "ServiceName", name)));
        metrics.add(PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs.builder()
                .id("backlogPerTask")
                .label("Messages waiting per running task")
                .expression("(" + String.join(" + ", ids) + ") / IF(tasks > 0, tasks, 1)")
                .returnData(true)
                .build());
        return PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs.builder()
                .metrics(metrics)
                .build();
    }

    private static PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs stat(
            String id, String namespace, String metric, String stat, Map<String, String> dimensions) {
        List<
                        PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs>
                dims = new ArrayList<>();
        dimensions.forEach((k, v) -> dims.add(
                PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs
                        .builder()
                        .name(k)
                        .value(v)
                        .build()));
        return PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricArgs.builder()
                .id(id)
                .returnData(false)
                .metricStat(
                        PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatArgs
                                .builder()
                                .stat(stat)
                                .metric(
                                        PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs
                                                .builder()
                                                .namespace(namespace)
                                                .metricName(metric)
                                                .dimensions(dims)
                                                .build())
                                .build())
                .build();
    }

    private static String containerDefinitions(
            StackSettings.Fargate f, Map<String, String> env, String logGroup, String region) {
        List<Map<String, String>> environment = new ArrayList<>();
        env.forEach((k, v) -> environment.add(Map.of("name", k, "value", v)));
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "worker");
        container.put("image", f.image());
        container.put("essential", true);
        container.put("command", List.of("worker"));
        container.put("environment", environment);
        container.put(
                "logConfiguration",
                Map.of(
                        "logDriver",
                        "awslogs",
                        "options",
                        Map.of(
                                "awslogs-group", logGroup,
                                "awslogs-region", region,
                                "awslogs-stream-prefix", "worker")));
        // The worker stops polling on SIGTERM and lets in-flight messages finish within ECS's stop timeout.
        container.put("stopTimeout", 120);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(List.of(container));
    }
}

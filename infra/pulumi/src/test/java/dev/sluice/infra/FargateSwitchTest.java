package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code sluice:consumers: fargate} moves queue consumption to an ECS Fargate service scaled on backlog. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FargateSwitchTest {
    private static StackRun fargate() {
        return StackRun.of("staging", Map.of("sluice:consumers", "fargate"));
    }

    @Test
    void fargateRunsTheWorkerAsAServiceAndRemovesTheEventSourceMappings() {
        StackRun lambda = StackRun.of("staging");
        StackRun fargate = fargate();

        assertThat(lambda.all(Types.ECS_SERVICE)).isEmpty();
        assertThat(lambda.find(Types.ESM, "sluice-staging-processor-esm")).isPresent();

        assertThat(fargate.find(Types.ESM, "sluice-staging-processor-esm")).isEmpty();
        assertThat(fargate.all(Types.ESM)).isEmpty();
        StackRun.Created service = fargate.one(Types.ECS_SERVICE, "sluice-staging-worker");
        assertThat(service.inputs()).containsEntry("launchType", "FARGATE");
        assertThat(service.integer("desiredCount")).isEqualTo(1);
        assertThat(service.map("networkConfiguration").get("subnets"))
                .isEqualTo(List.of("subnet-EXAMPLE1", "subnet-EXAMPLE2"));
        assertThat(fargate.one(Types.ECS_CLUSTER, "sluice-staging-worker-cluster")
                        .list("settings")
                        .toString())
                .contains("containerInsights");
        assertThat(fargate.outputs.get("consumers")).isEqualTo("fargate");
    }

    @Test
    void theContainerIsTheLocalWorkerWithTheSameEnvironmentAsTheFunctions() {
        StackRun run = fargate();
        StackRun.Created task = run.one(Types.TASK_DEFINITION, "sluice-staging-worker");
        assertThat(task.inputs())
                .containsEntry("requiresCompatibilities", List.of("FARGATE"))
                .containsEntry("networkMode", "awsvpc")
                .containsEntry("cpu", "1024")
                .containsEntry("memory", "2048");
        assertThat(task.map("runtimePlatform")).containsEntry("cpuArchitecture", "ARM64");
        List<Map<String, Object>> containers = new Gson()
                .fromJson(task.string("containerDefinitions"), new TypeToken<List<Map<String, Object>>>() {}.getType());
        Map<String, Object> worker = containers.get(0);
        assertThat(worker).containsEntry("image", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/sluice-worker:EXAMPLE");
        assertThat(worker).containsEntry("command", List.of("worker"));
        @SuppressWarnings("unchecked")
        List<Map<String, String>> env = (List<Map<String, String>>) worker.get("environment");
        Map<String, String> vars = new java.util.HashMap<>();
        env.forEach(e -> vars.put(e.get("name"), e.get("value")));
        @SuppressWarnings("unchecked")
        Map<String, String> processorEnv = (Map<String, String>) run.one(Types.FUNCTION, "sluice-staging-processor")
                .map("environment")
                .get("variables");
        processorEnv.forEach((k, v) -> {
            if (!k.equals("POWERTOOLS_SERVICE_NAME")) {
                assertThat(vars).containsEntry(k, v);
            }
        });
        assertThat(vars).containsEntry("POWERTOOLS_SERVICE_NAME", "sluice-staging-worker");
        assertThat(run.one(Types.ROLE_POLICY, "sluice-staging-worker-task-policy")
                        .string("policy"))
                .contains(
                        ":sluice-staging-work\"",
                        ":sluice-staging-finalize\"",
                        ":sluice-staging-ingest\"",
                        "sqs:ReceiveMessage");
        assertThat(run.one(Types.ROLE_POLICY, "sluice-staging-worker-execution-policy")
                        .string("policy"))
                .contains("repository/sluice-worker", "EcrAuthToken");
    }

    @Test
    void theServiceScalesOnMessagesWaitingPerRunningTask() {
        StackRun run = fargate();
        StackRun.Created target = run.one(Types.SCALING_TARGET, "sluice-staging-worker-scaling");
        assertThat(target.inputs())
                .containsEntry("serviceNamespace", "ecs")
                .containsEntry("scalableDimension", "ecs:service:DesiredCount")
                .containsEntry("resourceId", "service/sluice-staging-worker/sluice-staging-worker");
        assertThat(target.integer("minCapacity")).isEqualTo(1);
        assertThat(target.integer("maxCapacity")).isEqualTo(10);
        StackRun.Created policy = run.one(Types.SCALING_POLICY, "sluice-staging-worker-backlog-per-task");
        Map<String, Object> tracking = policy.map("targetTrackingScalingPolicyConfiguration");
        assertThat(((Number) tracking.get("targetValue")).intValue()).isEqualTo(100);
        String metrics = tracking.get("customizedMetricSpecification").toString();
        assertThat(metrics)
                .contains(
                        "QueueName, value=sluice-staging-work}",
                        "QueueName, value=sluice-staging-finalize}",
                        "QueueName, value=sluice-staging-ingest}",
                        "RunningTaskCount")
                .contains("(qwork + qfinalize + qingest) / IF(tasks > 0, tasks, 1)");
        // The worker's model calls count in the throttling alarm alongside the processor's.
        assertThat(run.one(Types.ALARM, "sluice-staging-llm-throttled")
                        .list("metricQueries")
                        .toString())
                .contains("Service=sluice-staging-worker");
    }
}

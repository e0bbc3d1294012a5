package dev.sluice.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A model with a batch route deploys the batcher: its function, an EventBridge Scheduler schedule at the route's rate
 * that may invoke it and nothing else, and grants to the parked calls in the cache table and the batch models' keys;
 * a document without one deploys none of it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchRouteStackTest {
    private static String withBatchRoute(String stack) {
        String pipeline = StackRun.stackConfig(stack).get("sluice:pipeline");
        String changed = pipeline.replace(
                "\"provider\":\"anthropic\"", "\"provider\":\"anthropic\",\"batch\":{\"every\":\"10m\"}");
        assertThat(changed).isNotEqualTo(pipeline);
        return changed;
    }

    @Test
    void aBatchRouteDeploysTheBatcherOnItsScheduleWithItsGrants() {
        StackRun with = StackRun.of("staging", Map.of("sluice:pipeline", withBatchRoute("staging")));

        StackRun.Created function = with.one(Types.FUNCTION, "sluice-staging-batcher");
        assertThat(function.string("handler")).isEqualTo("dev.sluice.bootstrap.batcher.BatcherHandler::handleRequest");
        StackRun.Created schedule = with.one("aws:scheduler/schedule:Schedule", "sluice-staging-batcher-schedule");
        assertThat(schedule.string("scheduleExpression")).isEqualTo("rate(10 minutes)");
        assertThat(schedule.inputs().get("target").toString()).contains("sluice-staging-batcher");

        String schedulerPolicy = with.one(Types.ROLE_POLICY, "sluice-staging-batcher-schedule-policy")
                .string("policy");
        assertThat(schedulerPolicy).contains("lambda:InvokeFunction").contains("function:sluice-staging-batcher");
        assertThat(with.one(Types.ROLE, "sluice-staging-batcher-schedule-role").string("assumeRolePolicy"))
                .contains("scheduler.amazonaws.com");

        String batcher =
                with.one(Types.ROLE_POLICY, "sluice-staging-batcher-policy").string("policy");
        assertThat(batcher)
                .contains("dynamodb:BatchGetItem")
                .contains("table/sluice-staging-cache")
                .contains("sluice/anthropic")
                .doesNotContain("sluice/openai")
                .doesNotContain("table/sluice-staging-jobs")
                .doesNotContain("sqs:SendMessage");
        // The processor lists a parked call on its window with an update before it writes the line.
        assertThat(with.one(Types.ROLE_POLICY, "sluice-staging-processor-policy")
                        .string("policy"))
                .contains("dynamodb:UpdateItem");
    }

    @Test
    void aDocumentWithoutOneDeploysNoBatcher() {
        StackRun without = StackRun.of("staging");
        assertThat(without.find(Types.FUNCTION, "sluice-staging-batcher")).isEmpty();
        assertThat(without.all("aws:scheduler/schedule:Schedule")).isEmpty();
        assertThat(without.all(Types.FUNCTION)).hasSize(4);
    }
}

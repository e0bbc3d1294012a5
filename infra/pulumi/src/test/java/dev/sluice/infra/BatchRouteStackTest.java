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
    void aBedrockBatchRouteGetsARoleForBedrockToReadAndWriteTheRecordsAndTheBatcherMayPassItOnlyToBedrock() {
        String pipeline = StackRun.stackConfig("prod").get("sluice:pipeline");
        String changed =
                pipeline.replace("\"provider\":\"bedrock\"", "\"provider\":\"bedrock\",\"batch\":{\"every\":\"1h\"}");
        assertThat(changed).isNotEqualTo(pipeline);
        StackRun with = StackRun.of("prod", Map.of("sluice:pipeline", changed));

        StackRun.Created role = with.one(Types.ROLE, "sluice-prod-bedrock-batch-role");
        assertThat(role.string("assumeRolePolicy"))
                .contains("bedrock.amazonaws.com")
                .contains("aws:SourceAccount")
                .contains("aws:SourceArn")
                .contains(":model-invocation-job/*");
        assertThat(with.one(Types.ROLE_POLICY, "sluice-prod-bedrock-batch-policy")
                        .string("policy"))
                .contains("s3:GetObject", "s3:PutObject", "/batches/*", "s3:ListBucket")
                .doesNotContain("/payloads/")
                .doesNotContain("/jobs/");

        StackRun.Created batcher = with.one(Types.FUNCTION, "sluice-prod-batcher");
        assertThat(batcher.inputs().get("environment").toString()).contains("SLUICE_BEDROCK_BATCH_ROLE_ARN");
        String policy =
                with.one(Types.ROLE_POLICY, "sluice-prod-batcher-policy").string("policy");
        assertThat(policy)
                .contains("bedrock:CreateModelInvocationJob", "bedrock:GetModelInvocationJob")
                .contains("model-invocation-job/*")
                .contains("inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0")
                .contains("iam:PassRole", "iam:PassedToService", "bedrock.amazonaws.com")
                .contains("/batches/*")
                .doesNotContain("bedrock:InvokeModel");
        assertThat(with.one(Types.FUNCTION, "sluice-prod-processor")
                        .inputs()
                        .get("environment")
                        .toString())
                .doesNotContain("SLUICE_BEDROCK_BATCH_ROLE_ARN");
    }

    @Test
    void aDocumentWithoutOneDeploysNoBatcher() {
        StackRun without = StackRun.of("staging");
        assertThat(without.find(Types.FUNCTION, "sluice-staging-batcher")).isEmpty();
        assertThat(without.all("aws:scheduler/schedule:Schedule")).isEmpty();
        assertThat(without.all(Types.FUNCTION)).hasSize(4);
    }
}

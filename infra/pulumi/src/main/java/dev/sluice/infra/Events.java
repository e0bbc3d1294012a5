package dev.sluice.infra;

import com.google.gson.Gson;
import com.pulumi.aws.cloudwatch.EventRule;
import com.pulumi.aws.cloudwatch.EventRuleArgs;
import com.pulumi.aws.cloudwatch.EventTarget;
import com.pulumi.aws.cloudwatch.EventTargetArgs;
import com.pulumi.aws.cloudwatch.inputs.EventTargetDeadLetterConfigArgs;
import com.pulumi.aws.cloudwatch.inputs.EventTargetRetryPolicyArgs;
import com.pulumi.aws.lambda.FunctionEventInvokeConfig;
import com.pulumi.aws.lambda.FunctionEventInvokeConfigArgs;
import com.pulumi.aws.lambda.Permission;
import com.pulumi.aws.lambda.PermissionArgs;
import com.pulumi.aws.lambda.inputs.FunctionEventInvokeConfigDestinationConfigArgs;
import com.pulumi.aws.lambda.inputs.FunctionEventInvokeConfigDestinationConfigOnFailureArgs;
import com.pulumi.aws.sqs.Queue;
import com.pulumi.aws.sqs.QueueArgs;
import com.pulumi.aws.sqs.QueuePolicy;
import com.pulumi.aws.sqs.QueuePolicyArgs;
import java.util.List;
import java.util.Map;

/**
 * Inbound events: {@code job.requested} on the stack's bus goes to the dispatcher. Events that cannot be delivered,
 * or that the dispatcher fails on after Lambda's retries, land in the events dead-letter queue, not nowhere.
 */
final class Events {
    private Events() {}

    /** The events DLQ exists before the functions, whose on-failure destination it is. */
    static Queue deadLetterQueue(StackSettings s) {
        String name = s.prefix() + "-events-dlq";
        return new Queue(
                name,
                QueueArgs.builder()
                        .name(name)
                        .sqsManagedSseEnabled(true)
                        .maxMessageSize(Definitions.MAX_MESSAGE_SIZE)
                        .messageRetentionSeconds(Definitions.DLQ_RETENTION_SECONDS)
                        .build());
    }

    /**
     * Only the sources {@code sluice:api.eventSources} lists reach the dispatcher (which maps each to its tenant);
     * with none listed, no rule is made and events cannot submit jobs.
     */
    static void create(StackSettings s, DataPlane data, Functions.Deployed dispatcher, Queue eventsDlq) {
        if (s.api().eventSources().isEmpty()) {
            return;
        }
        String name = s.prefix() + "-job-requested";
        EventRule rule = new EventRule(
                name,
                EventRuleArgs.builder()
                        .name(name)
                        .description("Jobs requested by event start like POST /v1/jobs")
                        .eventBusName(data.bus().name())
                        .eventPattern(new Gson()
                                .toJson(Map.of(
                                        "detail-type",
                                        List.of(Definitions.JOB_REQUESTED),
                                        "source",
                                        List.copyOf(s.api().eventSources().keySet()))))
                        .build());
        new EventTarget(
                name + "-dispatcher",
                EventTargetArgs.builder()
                        .rule(rule.name())
                        .eventBusName(data.bus().name())
                        .arn(dispatcher.invokeTarget())
                        .retryPolicy(EventTargetRetryPolicyArgs.builder()
                                .maximumEventAgeInSeconds(3600)
                                .maximumRetryAttempts(20)
                                .build())
                        .deadLetterConfig(EventTargetDeadLetterConfigArgs.builder()
                                .arn(eventsDlq.arn())
                                .build())
                        .build());
        new QueuePolicy(
                s.prefix() + "-events-dlq-policy",
                QueuePolicyArgs.builder()
                        .queueUrl(eventsDlq.url())
                        .policy(new PolicyDocument()
                                .allowServiceFrom(
                                        "EventBridgeDeadLetters",
                                        "events.amazonaws.com",
                                        List.of("sqs:SendMessage"),
                                        eventsDlq.arn(),
                                        rule.arn())
                                .toJson())
                        .build());
        PermissionArgs.Builder permission = PermissionArgs.builder()
                .action("lambda:InvokeFunction")
                .function(dispatcher.function().name())
                .principal("events.amazonaws.com")
                .sourceArn(rule.arn());
        dispatcher.qualifier().ifPresent(permission::qualifier);
        new Permission(name + "-invoke", permission.build());

        FunctionEventInvokeConfigArgs.Builder invoke = FunctionEventInvokeConfigArgs.builder()
                .functionName(dispatcher.function().name())
                .maximumRetryAttempts(2)
                .destinationConfig(FunctionEventInvokeConfigDestinationConfigArgs.builder()
                        .onFailure(FunctionEventInvokeConfigDestinationConfigOnFailureArgs.builder()
                                .destination(eventsDlq.arn())
                                .build())
                        .build());
        dispatcher.qualifier().ifPresent(invoke::qualifier);
        new FunctionEventInvokeConfig(s.prefix() + "-dispatcher-async", invoke.build());
    }
}

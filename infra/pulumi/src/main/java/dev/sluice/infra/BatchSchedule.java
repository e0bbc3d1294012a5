package dev.sluice.infra;

import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.aws.scheduler.Schedule;
import com.pulumi.aws.scheduler.ScheduleArgs;
import com.pulumi.aws.scheduler.inputs.ScheduleFlexibleTimeWindowArgs;
import com.pulumi.aws.scheduler.inputs.ScheduleTargetArgs;
import com.pulumi.aws.scheduler.inputs.ScheduleTargetRetryPolicyArgs;
import java.util.List;

/**
 * The batcher's EventBridge Scheduler schedule: {@code rate(<n> minutes)}, the most frequent batch route's window
 * (the scheduler's finest rate is a minute). A run that fails is not retried by the scheduler: the next run does what it
 * could not.
 */
final class BatchSchedule {
    private BatchSchedule() {}

    static Schedule create(StackSettings s, Functions.Deployed batcher) {
        String name = s.prefix() + "-batcher";
        Role role = new Role(
                name + "-schedule-role",
                RoleArgs.builder()
                        .name(name + "-schedule")
                        .description("EventBridge Scheduler runs the sluice batcher, stack " + s.stack())
                        .assumeRolePolicy(PolicyDocument.assumeRole("scheduler.amazonaws.com"))
                        .build());
        PolicyDocument invoke = new PolicyDocument();
        invoke.allow("RunBatcher", List.of("lambda:InvokeFunction"), List.of(batcher.invokeTarget()));
        new RolePolicy(
                name + "-schedule-policy",
                RolePolicyArgs.builder()
                        .name(name + "-schedule")
                        .role(role.id())
                        .policy(invoke.toJson())
                        .build());
        long minutes = s.pipeline().batcherEveryMinutes();
        return new Schedule(
                name + "-schedule",
                ScheduleArgs.builder()
                        .name(name)
                        .description("sluice batcher (" + s.stack() + "): sends ended windows, reads ended batches")
                        .scheduleExpression("rate(" + minutes + (minutes == 1 ? " minute)" : " minutes)"))
                        .flexibleTimeWindow(ScheduleFlexibleTimeWindowArgs.builder()
                                .mode("OFF")
                                .build())
                        .target(ScheduleTargetArgs.builder()
                                .arn(batcher.invokeTarget())
                                .roleArn(role.arn())
                                .input("{}")
                                .retryPolicy(ScheduleTargetRetryPolicyArgs.builder()
                                        .maximumRetryAttempts(0)
                                        .build())
                                .build())
                        .build());
    }
}

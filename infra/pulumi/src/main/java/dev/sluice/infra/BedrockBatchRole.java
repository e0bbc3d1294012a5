package dev.sluice.infra;

import com.pulumi.aws.iam.Role;
import com.pulumi.aws.iam.RoleArgs;
import com.pulumi.aws.iam.RolePolicy;
import com.pulumi.aws.iam.RolePolicyArgs;
import com.pulumi.core.Output;
import java.util.List;
import java.util.Optional;

/**
 * The service role Bedrock's batch inference assumes to read a window's records from the stack's bucket and write the
 * answers beside them, under {@link Definitions#BATCHES} and nowhere else. Made only when a Bedrock model has a batch
 * route; the batcher names it on each job it creates (and may pass it to Bedrock, nothing else).
 */
final class BedrockBatchRole {
    private BedrockBatchRole() {}

    static Optional<Output<String>> create(
            StackSettings s, DataPlane data, Output<String> account, Output<String> region) {
        if (s.pipeline().bedrockBatchModels().isEmpty()) {
            return Optional.empty();
        }
        String name = s.prefix() + "-bedrock-batch";
        Role role = new Role(
                name + "-role",
                RoleArgs.builder()
                        .name(name)
                        .description(
                                "Bedrock batch inference reads and writes sluice's batch records, stack " + s.stack())
                        // Only for this account's own model invocation jobs.
                        .assumeRolePolicy(PolicyDocument.assumeRoleFrom(
                                "bedrock.amazonaws.com",
                                account,
                                Output.format("arn:aws:bedrock:%s:%s:model-invocation-job/*", region, account)))
                        .build());
        PolicyDocument records = new PolicyDocument();
        records.allow(
                "BatchRecords",
                List.of("s3:GetObject", "s3:PutObject"),
                List.of(data.bucket().arn().applyValue(arn -> arn + "/" + Definitions.BATCHES + "*")));
        records.allowWhere(
                "ListBatchRecords",
                List.of("s3:ListBucket"),
                List.of(data.bucket().arn()),
                "StringLike",
                "s3:prefix",
                Output.of(Definitions.BATCHES + "*"));
        new RolePolicy(
                name + "-policy",
                RolePolicyArgs.builder()
                        .name(name)
                        .role(role.id())
                        .policy(records.toJson())
                        .build());
        return Optional.of(role.arn());
    }
}

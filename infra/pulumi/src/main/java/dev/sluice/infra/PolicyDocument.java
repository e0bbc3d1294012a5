package dev.sluice.infra;

import com.google.gson.GsonBuilder;
import com.pulumi.core.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An IAM policy document whose ARNs are Pulumi outputs. Every statement has a {@code Sid}; a statement that needs a
 * wildcard in an action, resource or principal must use a Sid listed in {@link #EXPLAINED_WILDCARDS}, which says
 * why AWS leaves no narrower choice (the policy test fails on any other).
 */
final class PolicyDocument {
    /** Sid -> why this statement's wildcard is required. The only places a {@code *} or {@code ?} may appear. */
    static final Map<String, String> EXPLAINED_WILDCARDS = Map.of(
            "OwnLogStreams",
            "Lambda and ECS name log streams at run time; the grant covers streams of this role's own log group only.",
            "PayloadObjects",
            "S3 scopes object permissions by key prefix: only keys under payloads/ in this stack's bucket.",
            "ResultObjects",
            "S3 scopes object permissions by key prefix: only keys under jobs/ in this stack's bucket.",
            "TraceObjects",
            "S3 scopes object permissions by key prefix: only keys under traces/ in this stack's bucket.",
            "IndexObjects",
            "S3 scopes object permissions by key prefix: only keys under indexes/ in this stack's bucket.",
            "ProviderApiKeys",
            "Secrets Manager appends '-' and six random characters to every secret ARN; '-??????' matches exactly that"
                    + " suffix of the named secrets.",
            "BedrockCrossRegionInference",
            "A cross-region inference profile may serve the call from any region of its geography; AWS requires the"
                    + " foundation-model ARN in each of them, so the region part is '*' (the model id is fixed).",
            "EcrAuthToken",
            "ecr:GetAuthorizationToken has no resource-level permissions; AWS requires Resource '*'.",
            "XRayTraces",
            "xray:PutTraceSegments and PutTelemetryRecords have no resource-level permissions; AWS requires Resource"
                    + " '*' (only with sluice:tracing mode xray).",
            "DenyInsecureTransport",
            "A deny for every principal and action over plain HTTP: its wildcards only take access away.");

    private record Condition(String operator, String key, Output<String> value) {}

    private record Statement(
            String sid,
            String effect,
            Map<String, Object> principal,
            List<String> actions,
            List<Output<String>> resources,
            List<Condition> conditions) {}

    private final List<Statement> statements = new ArrayList<>();

    PolicyDocument allow(String sid, List<String> actions, List<Output<String>> resources) {
        return add(new Statement(sid, "Allow", Map.of(), actions, resources, List.of()));
    }

    PolicyDocument allowWhere(
            String sid,
            List<String> actions,
            List<Output<String>> resources,
            String operator,
            String key,
            Output<String> value) {
        return add(new Statement(
                sid, "Allow", Map.of(), actions, resources, List.of(new Condition(operator, key, value))));
    }

    PolicyDocument allowServiceFrom(
            String sid, String service, List<String> actions, Output<String> resource, Output<String> sourceArn) {
        return add(new Statement(
                sid,
                "Allow",
                Map.of("Service", service),
                actions,
                List.of(resource),
                List.of(new Condition("ArnEquals", "aws:SourceArn", sourceArn))));
    }

    PolicyDocument denyInsecureTransport(List<Output<String>> resources) {
        return add(new Statement(
                "DenyInsecureTransport",
                "Deny",
                Map.of("AWS", "*"),
                List.of("s3:*"),
                resources,
                List.of(new Condition("Bool", "aws:SecureTransport", Output.of("false")))));
    }

    boolean isEmpty() {
        return statements.isEmpty();
    }

    private PolicyDocument add(Statement s) {
        if (!s.sid().matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("IAM Sids are alphanumeric: " + s.sid());
        }
        for (int i = 0; i < statements.size(); i++) {
            Statement old = statements.get(i);
            if (old.sid().equals(s.sid())) {
                // The same grant asked for twice (the worker unites three consumers): one statement, the union.
                if (!old.effect().equals(s.effect()) || !old.principal().equals(s.principal())) {
                    throw new IllegalArgumentException("conflicting statements with Sid " + s.sid());
                }
                List<String> actions = new ArrayList<>(old.actions());
                s.actions().stream().filter(a -> !actions.contains(a)).forEach(actions::add);
                List<Output<String>> resources = new ArrayList<>(old.resources());
                resources.addAll(s.resources());
                statements.set(
                        i,
                        new Statement(old.sid(), old.effect(), old.principal(), actions, resources, old.conditions()));
                return this;
            }
        }
        statements.add(s);
        return this;
    }

    /** The trust policy letting one AWS service assume a role. */
    static String assumeRole(String service) {
        return render(List.of(Map.of(
                "Sid",
                "AssumedBy" + service.substring(0, service.indexOf('.')).replace("-", ""),
                "Effect",
                "Allow",
                "Principal",
                Map.of("Service", service),
                "Action",
                "sts:AssumeRole")));
    }

    /**
     * The trust policy letting one AWS service assume a role only on behalf of this account's own resources of
     * {@code sourceArnPattern} (the confused-deputy guard AWS recommends for service roles).
     */
    static Output<String> assumeRoleFrom(String service, Output<String> account, Output<String> sourceArnPattern) {
        return Output.all(account, sourceArnPattern).applyValue(v -> {
            Map<String, Object> statement = new LinkedHashMap<>();
            statement.put(
                    "Sid",
                    "AssumedBy" + service.substring(0, service.indexOf('.')).replace("-", ""));
            statement.put("Effect", "Allow");
            statement.put("Principal", Map.of("Service", service));
            statement.put("Action", "sts:AssumeRole");
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("StringEquals", Map.of("aws:SourceAccount", v.get(0)));
            condition.put("ArnLike", Map.of("aws:SourceArn", v.get(1)));
            statement.put("Condition", condition);
            return render(List.of(statement));
        });
    }

    Output<String> toJson() {
        List<Output<String>> values = new ArrayList<>();
        for (Statement s : statements) {
            values.addAll(s.resources());
            s.conditions().forEach(c -> values.add(c.value()));
        }
        return Output.all(values).applyValue(resolved -> {
            int i = 0;
            List<Map<String, Object>> out = new ArrayList<>();
            for (Statement s : statements) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("Sid", s.sid());
                json.put("Effect", s.effect());
                if (!s.principal().isEmpty()) {
                    json.put("Principal", s.principal());
                }
                json.put("Action", s.actions());
                List<String> resources = new ArrayList<>();
                for (int r = 0; r < s.resources().size(); r++) {
                    String arn = resolved.get(i++);
                    if (!resources.contains(arn)) {
                        resources.add(arn);
                    }
                }
                json.put("Resource", resources);
                if (!s.conditions().isEmpty()) {
                    Map<String, Map<String, String>> conditions = new LinkedHashMap<>();
                    for (Condition c : s.conditions()) {
                        conditions
                                .computeIfAbsent(c.operator(), k -> new LinkedHashMap<>())
                                .put(c.key(), resolved.get(i++));
                    }
                    json.put("Condition", conditions);
                }
                out.add(json);
            }
            return render(out);
        });
    }

    private static String render(List<Map<String, Object>> statements) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Version", "2012-10-17");
        doc.put("Statement", statements);
        return new GsonBuilder().disableHtmlEscaping().create().toJson(doc);
    }
}

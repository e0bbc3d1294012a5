package dev.sluice.bootstrap.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bootstrap.shared.Settings;
import dev.sluice.domain.model.TenantId;
import dev.sluice.domain.usecase.InvalidInputException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Establishes the {@link Caller} from what API Gateway's authorizer verified, never from what the caller wrote:
 *
 * <ul>
 *   <li><b>JWT</b>: the tenant is the one configured claim ({@code SLUICE_TENANT_CLAIM}, default {@code sub}) that
 *       the identity provider issues and the user cannot change (for Cognito, an immutable custom attribute or a
 *       claim set by a pre-token-generation hook; never a user-writable attribute). Any value is accepted: one
 *       that is not a valid tenant id is turned into a stable key ({@link TenantId#derive}). Scopes come from the
 *       token's {@code scope} (or {@code scp}) claim.
 *   <li><b>IAM</b>: the tenant is the principal's role (or user), not its session: {@code SLUICE_IAM_TENANTS} maps
 *       role or user names to tenants ({@code OrdersService=acme,Reports=globex}); an unmapped principal is the
 *       tenant {@code <account>:<role>}. IAM callers hold the tenant scopes (IAM policies on the API's routes narrow
 *       them); the roles in {@code SLUICE_OPERATOR_ROLES} also hold the operator scope.
 *   <li><b>EventBridge</b>: a {@code job.requested} event is accepted only from a source the deployment lists
 *       ({@code SLUICE_EVENT_SOURCES}: {@code orders.app=acme,reports=globex}), and acts for that source's tenant; a
 *       {@code detail.tenant} naming another is refused.
 *   <li>The {@code X-Tenant-Id} header (and an event's {@code detail.tenant} from any source) counts only where the
 *       deployment trusts it (the local runtime), with every scope.
 * </ul>
 */
final class Callers {
    private final String tenantClaim;
    private final Map<String, String> iamTenants;
    private final Set<String> operatorRoles;
    private final Map<String, String> eventSources;
    private final boolean trustTenantHeader;

    Callers(
            String tenantClaim,
            Map<String, String> iamTenants,
            Set<String> operatorRoles,
            Map<String, String> eventSources,
            boolean trustTenantHeader) {
        this.tenantClaim = tenantClaim;
        this.iamTenants = Map.copyOf(iamTenants);
        this.operatorRoles = Set.copyOf(operatorRoles);
        this.eventSources = Map.copyOf(eventSources);
        this.trustTenantHeader = trustTenantHeader;
    }

    /** The deployment's rules, from its {@link Settings}. */
    static Callers of(Settings settings) {
        Settings.Tenancy tenancy = settings.tenancy();
        return new Callers(
                tenancy.tenantClaim(),
                tenancy.iamTenants(),
                tenancy.operatorRoles(),
                tenancy.eventSources(),
                settings.trustTenantHeader());
    }

    /** The caller, or empty when nobody the deployment trusts vouched for one. */
    Optional<Caller> identify(JsonNode authorizer, Map<String, String> headers) {
        JsonNode jwt = authorizer.path("jwt");
        if (jwt.isObject()) {
            JsonNode claims = jwt.path("claims");
            JsonNode subject = claims.path(tenantClaim);
            if (!subject.isValueNode() || subject.asText().isBlank()) {
                return Optional.empty();
            }
            return Optional.of(new Caller(TenantId.derive(subject.asText()), scopes(claims, jwt.path("scopes"))));
        }
        JsonNode iam = authorizer.path("iam");
        if (iam.isObject()) {
            return principal(iam);
        }
        if (trustTenantHeader
                && headers.containsKey("x-tenant-id")
                && !headers.get("x-tenant-id").isBlank()) {
            return Optional.of(
                    new Caller(TenantId.derive(headers.get("x-tenant-id")), EnumSet.allOf(Caller.Scope.class)));
        }
        return Optional.empty();
    }

    /**
     * The tenant a {@code job.requested} event acts for: its source's, from the deployment's list.
     *
     * @throws InvalidInputException naming {@code source} or {@code detail.tenant} when the event may not submit
     */
    TenantId eventTenant(String source, JsonNode detail) {
        JsonNode claimed = detail.path("tenant");
        if (trustTenantHeader && !eventSources.containsKey(source)) {
            if (!claimed.isTextual() || claimed.asText().isBlank()) {
                throw InvalidInputException.invalid("detail.tenant", "is required");
            }
            try {
                return new TenantId(claimed.asText());
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("detail.tenant", e.getMessage());
            }
        }
        String mapped = eventSources.get(source);
        if (mapped == null) {
            throw InvalidInputException.invalid(
                    "source",
                    "'" + source + "' may not submit jobs (allowed: "
                            + (eventSources.isEmpty()
                                    ? "none configured"
                                    : String.join(", ", new java.util.TreeSet<>(eventSources.keySet())))
                            + ")");
        }
        TenantId tenant = TenantId.derive(mapped);
        if (!claimed.isMissingNode()
                && !claimed.isNull()
                && !TenantId.derive(claimed.asText()).equals(tenant)) {
            throw InvalidInputException.invalid(
                    "detail.tenant", "events from '" + source + "' act for tenant " + tenant + " only");
        }
        return tenant;
    }

    /**
     * An IAM principal by its role or user: {@code arn:aws:sts::123:assumed-role/Role/session} is {@code Role}
     * whatever the session is called; {@code arn:aws:iam::123:user/path/name} is {@code name}.
     */
    private Optional<Caller> principal(JsonNode iam) {
        String arn = iam.path("userArn").asText("");
        String account = iam.path("accountId").asText("");
        String name;
        if (arn.contains(":assumed-role/")) {
            String rest = arn.substring(arn.indexOf(":assumed-role/") + ":assumed-role/".length());
            name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        } else if (arn.contains(":user/")) {
            String rest = arn.substring(arn.indexOf(":user/") + ":user/".length());
            name = rest.substring(rest.lastIndexOf('/') + 1);
        } else if (arn.endsWith(":root")) {
            name = "root";
        } else {
            return Optional.empty();
        }
        if (name.isBlank()) {
            return Optional.empty();
        }
        if (account.isBlank() && arn.split(":").length > 4) {
            account = arn.split(":")[4];
        }
        String tenant = iamTenants.getOrDefault(name, account + ":" + name);
        Set<Caller.Scope> scopes = EnumSet.copyOf(Caller.TENANT);
        if (operatorRoles.contains(name)) {
            scopes.add(Caller.Scope.OPERATOR);
        }
        return Optional.of(new Caller(TenantId.derive(tenant), scopes));
    }

    /** OAuth scopes from {@code scope} (space-separated), {@code scp} (a list or text), or the authorizer's list. */
    private static Set<Caller.Scope> scopes(JsonNode claims, JsonNode authorizerScopes) {
        Set<Caller.Scope> out = EnumSet.noneOf(Caller.Scope.class);
        for (JsonNode source : new JsonNode[] {claims.path("scope"), claims.path("scp"), authorizerScopes}) {
            if (source.isArray()) {
                source.forEach(s -> Caller.Scope.named(s.asText()).ifPresent(out::add));
            } else if (source.isValueNode()) {
                String text =
                        source.asText().replace("[", " ").replace("]", " ").replace(",", " ");
                for (String s : text.split("\\s+")) {
                    Caller.Scope.named(s).ifPresent(out::add);
                }
            }
        }
        return out;
    }
}

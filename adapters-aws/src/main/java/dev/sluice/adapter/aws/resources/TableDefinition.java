package dev.sluice.adapter.aws.resources;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DynamoDB table as sluice needs it, free of SDK types so that the local runner, the Pulumi program and the tests
 * all read the same definition.
 *
 * @param name the full table name, environment suffix included
 * @param ttlAttribute the numeric attribute (epoch seconds) AWS uses to expire items, if the table has one
 */
public record TableDefinition(
        String name,
        Key partitionKey,
        Optional<Key> sortKey,
        List<GlobalIndex> globalIndexes,
        Optional<String> ttlAttribute,
        Billing billing) {

    public TableDefinition {
        Objects.requireNonNull(name, "'name' must not be null");
        if (!name.matches("[A-Za-z0-9_.-]{3,255}")) {
            throw new IllegalArgumentException("'name' is not a valid DynamoDB table name: '" + name + "'");
        }
        Objects.requireNonNull(partitionKey, "'partitionKey' must not be null");
        Objects.requireNonNull(sortKey, "'sortKey' must not be null");
        globalIndexes = List.copyOf(globalIndexes);
        Objects.requireNonNull(ttlAttribute, "'ttlAttribute' must not be null");
        Objects.requireNonNull(billing, "'billing' must not be null");
    }

    /** Every key attribute of the table and its indexes, each once: what {@code AttributeDefinitions} must list. */
    public List<Key> keyAttributes() {
        java.util.LinkedHashMap<String, Key> all = new java.util.LinkedHashMap<>();
        all.put(partitionKey.name(), partitionKey);
        sortKey.ifPresent(k -> all.putIfAbsent(k.name(), k));
        for (GlobalIndex index : globalIndexes) {
            all.putIfAbsent(index.partitionKey().name(), index.partitionKey());
            index.sortKey().ifPresent(k -> all.putIfAbsent(k.name(), k));
        }
        return List.copyOf(all.values());
    }

    /** A key attribute. */
    public record Key(String name, KeyType type) {
        public Key {
            Objects.requireNonNull(name, "'name' must not be null");
            Objects.requireNonNull(type, "'type' must not be null");
        }

        public static Key string(String name) {
            return new Key(name, KeyType.STRING);
        }

        public static Key number(String name) {
            return new Key(name, KeyType.NUMBER);
        }
    }

    /** DynamoDB's scalar key types; {@link #code()} is the letter both the SDK and Pulumi use. */
    public enum KeyType {
        STRING("S"),
        NUMBER("N"),
        BINARY("B");

        private final String code;

        KeyType(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * A global secondary index.
     *
     * @param projection what the index copies of each item: {@link Projection#KEYS_ONLY} is written when an item is
     *     created and again only if its key attributes change, so updates to the item's other attributes cost nothing
     *     in the index
     */
    public record GlobalIndex(String name, Key partitionKey, Optional<Key> sortKey, Projection projection) {
        public GlobalIndex {
            Objects.requireNonNull(name, "'name' must not be null");
            Objects.requireNonNull(partitionKey, "'partitionKey' must not be null");
            Objects.requireNonNull(sortKey, "'sortKey' must not be null");
            Objects.requireNonNull(projection, "'projection' must not be null");
        }
    }

    /** DynamoDB's projection types; the name is the value both the SDK and Pulumi use. */
    public enum Projection {
        ALL,
        KEYS_ONLY
    }

    /** sluice's tables are on-demand: traffic is bursty and a throttled table would stall every consumer. */
    public enum Billing {
        ON_DEMAND;

        /** The value of {@code BillingMode} in the DynamoDB API and in Pulumi's {@code billingMode}. */
        public String apiValue() {
            return "PAY_PER_REQUEST";
        }
    }
}

package dev.sluice.emulators.pinecone;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Map;

/**
 * Pinecone's metadata filter language: {@code $eq $ne $in $nin $gt $gte $lt $lte $exists $and $or}, and the
 * shorthand {@code {"field": value}} for {@code $eq}. Anything else is refused, as Pinecone refuses it.
 */
final class MetadataFilter {
    private MetadataFilter() {}

    static boolean matches(Struct filter, Struct metadata) {
        for (Map.Entry<String, Value> clause : filter.getFieldsMap().entrySet()) {
            if (!clause(clause.getKey(), clause.getValue(), metadata)) {
                return false;
            }
        }
        return true;
    }

    private static boolean clause(String key, Value condition, Struct metadata) {
        switch (key) {
            case "$and" -> {
                return condition.getListValue().getValuesList().stream()
                        .allMatch(c -> matches(c.getStructValue(), metadata));
            }
            case "$or" -> {
                return condition.getListValue().getValuesList().stream()
                        .anyMatch(c -> matches(c.getStructValue(), metadata));
            }
            default -> {
                if (key.startsWith("$")) {
                    throw new FakeVectorService.FilterException("unknown top-level operator " + key);
                }
            }
        }
        Value actual = metadata.getFieldsMap().get(key);
        if (condition.getKindCase() != Value.KindCase.STRUCT_VALUE) {
            return condition.equals(actual);
        }
        for (Map.Entry<String, Value> op :
                condition.getStructValue().getFieldsMap().entrySet()) {
            if (!operator(op.getKey(), op.getValue(), actual)) {
                return false;
            }
        }
        return true;
    }

    private static boolean operator(String op, Value operand, Value actual) {
        return switch (op) {
            case "$eq" -> operand.equals(actual);
            case "$ne" -> !operand.equals(actual);
            case "$in" -> operand.getListValue().getValuesList().contains(actual);
            case "$nin" -> !operand.getListValue().getValuesList().contains(actual);
            case "$exists" -> (actual != null) == operand.getBoolValue();
            case "$gt" -> actual != null && actual.getNumberValue() > operand.getNumberValue();
            case "$gte" -> actual != null && actual.getNumberValue() >= operand.getNumberValue();
            case "$lt" -> actual != null && actual.getNumberValue() < operand.getNumberValue();
            case "$lte" -> actual != null && actual.getNumberValue() <= operand.getNumberValue();
            default -> throw new FakeVectorService.FilterException("unknown operator " + op);
        };
    }
}

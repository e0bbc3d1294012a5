package dev.sluice.adapter.aws.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one JSON mapper of the AWS adapters, and its policy. Wire records (package-private records in this package,
 * and the few an adapter keeps for a shape of its own) are bound by Jackson databind; nothing reads or writes JSON
 * by hand.
 *
 * <ul>
 *   <li>Reading is strict about what it does read: one JSON object and nothing after it, each field once, no
 *       coercion (a number is not a string, {@code "1"} is not a number, {@code 1.5} is not an integer), no null in
 *       a list or map, nesting, string and document sizes bounded ({@link #LIMITS}).
 *   <li>Unknown fields are ignored: every shape read here is one sluice wrote earlier (a queued message, a stored
 *       trace, an event), and a message or object written by a newer or older version must still read.
 *   <li>Instants and durations are ISO-8601 strings, money is a decimal string ({@link BigDecimal#toPlainString()},
 *       exact), maps are written sorted by key (equal values give byte-identical JSON), absent values are left out.
 *   <li>No default typing: the only polymorphism is the {@code type} property of queue messages and events, each a
 *       closed list of names ({@link JsonSubTypes}).
 * </ul>
 *
 * <p>Reading throws {@link MalformedJsonException} naming the field's path ({@code hops[0].model}), never a Jackson
 * exception.
 */
public final class WireJson {
    /**
     * What one document may hold. The deepest shape sluice writes nests five levels (an event's job's hops' usage);
     * the longest string is a document's text or a raw model response; the largest document a claim-checked ingest
     * request, from an HTTP body of at most 6 MiB.
     */
    static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxStringLength(16 * 1024 * 1024)
            .maxDocumentLength(64L * 1024 * 1024)
            .build();

    private static final JsonMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(
                    LogicalType.Textual,
                    c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                    LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .withConfigOverride(Collection.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
            .withConfigOverride(List.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
            .withConfigOverride(Map.class, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)))
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .addModule(scalars())
            .annotationIntrospector(new RequiredMeansNotNull())
            .build();

    private static final ObjectWriter WRITER = MAPPER.writer();

    private WireJson() {}

    /** {@code wire} as compact JSON. */
    public static String write(Object wire) {
        try {
            return WRITER.writeValueAsString(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "a wire record always serializes: " + wire.getClass().getName(), e);
        }
    }

    /** {@code json} bound to the wire record {@code type}. */
    public static <T> T read(String json, Class<T> type) {
        requireObject(json);
        ObjectReader reader = MAPPER.readerFor(type);
        try {
            return reader.readValue(json);
        } catch (JsonMappingException e) {
            throw malformed(e);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
    }

    /** {@code json} bound to the wire record {@code type}, then turned into the domain value it holds. */
    static <W, T> T read(String json, Class<W> type, Function<W, T> toDomain) {
        return toDomain.apply(read(json, type));
    }

    /** Runs a domain constructor, turning its validation failure into a message that names the record. */
    static <T> T build(String what, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (MalformedJsonException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedJsonException("invalid " + what + ": " + e.getMessage(), e);
        }
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    /** Every shape is an object: say so plainly instead of what binding an array to a record would say. */
    private static void requireObject(String json) {
        if (json == null) {
            throw new MalformedJsonException("not JSON: no document", null);
        }
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedJsonException("not JSON: the document is empty", null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("the document must be a JSON object", null);
            }
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new MalformedJsonException("not JSON: " + e.getMessage(), e);
        }
    }

    private static MalformedJsonException notJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return new MalformedJsonException("beyond what sluice reads in one document: " + e.getOriginalMessage(), e);
        }
        return new MalformedJsonException("not JSON: " + e.getOriginalMessage(), e);
    }

    private static MalformedJsonException malformed(JsonMappingException e) {
        String path = path(e);
        String at = path.isEmpty() ? "the document" : "'" + path + "'";
        // A parse failure inside a nested value comes wrapped with the path it happened at.
        if (e.getCause() instanceof JsonProcessingException cause && !(cause instanceof JsonMappingException)) {
            if (cause instanceof InputCoercionException) {
                return new MalformedJsonException(at + " is out of range: " + cause.getOriginalMessage(), e);
            }
            return notJson(cause);
        }
        if (e instanceof InvalidTypeIdException t) {
            String typeAt = "'" + (path.isEmpty() ? "" : path + ".") + "type'";
            if (t.getTypeId() == null) {
                return new MalformedJsonException(typeAt + " is missing", e);
            }
            return new MalformedJsonException(typeAt + " must be " + names(t) + ", got '" + t.getTypeId() + "'", e);
        }
        if (path.isEmpty() && isTrailing(e)) {
            return new MalformedJsonException("not JSON: more follows the document's object", e);
        }
        if (e instanceof InvalidNullException || isMissing(e)) {
            return new MalformedJsonException(at + " is missing", e);
        }
        if (e instanceof InvalidFormatException f && f.getValue() != null) {
            return new MalformedJsonException(
                    at + " must be " + describe(f.getTargetType()) + ", got '" + f.getValue() + "'", e);
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new MalformedJsonException(at + " must be " + describe(m.getTargetType()), e);
        }
        return new MalformedJsonException(at + " is invalid: " + e.getOriginalMessage(), e);
    }

    /** Jackson says a required property is absent only in its message; the path names the property. */
    private static boolean isMissing(JsonMappingException e) {
        String message = e.getOriginalMessage();
        return e instanceof MismatchedInputException
                && message != null
                && message.startsWith("Missing required creator property");
    }

    private static boolean isTrailing(JsonMappingException e) {
        String message = e.getOriginalMessage();
        return message != null && message.startsWith("Trailing token");
    }

    /**
     * {@code @JsonProperty(required = true)} means present and not null: a JSON {@code null} where a value is
     * required reads as missing, as absent and null have always been the same on sluice's wire.
     */
    private static final class RequiredMeansNotNull extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonSetter.Value findSetterInfo(Annotated a) {
            JsonSetter.Value own = super.findSetterInfo(a);
            JsonProperty property = _findAnnotation(a, JsonProperty.class);
            return property != null && property.required() ? own.withValueNulls(Nulls.FAIL) : own;
        }
    }

    /** The field path as the adapters have always said it: {@code hops[0].model}, {@code input.question}. */
    static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String names(InvalidTypeIdException e) {
        JsonSubTypes subtypes =
                e.getBaseType() == null ? null : e.getBaseType().getRawClass().getAnnotation(JsonSubTypes.class);
        if (subtypes == null) {
            return "a known type";
        }
        List<String> names =
                Arrays.stream(subtypes.value()).map(s -> "'" + s.name() + "'").toList();
        return names.size() == 1
                ? names.getFirst()
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant";
        }
        if (type == Duration.class) {
            return "an ISO-8601 duration";
        }
        if (type == BigDecimal.class) {
            return "a decimal number in a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object of strings";
        }
        return "a JSON object";
    }

    /** Instants, durations and money as the strings sluice has always written: exact, and readable in a console. */
    private static SimpleModule scalars() {
        SimpleModule module = new SimpleModule("sluice-wire-scalars");
        module.addSerializer(Instant.class, new AsString<>(Instant.class, Instant::toString));
        module.addDeserializer(Instant.class, new FromString<>(Instant.class, Instant::parse));
        module.addSerializer(Duration.class, new AsString<>(Duration.class, Duration::toString));
        module.addDeserializer(Duration.class, new FromString<>(Duration.class, Duration::parse));
        module.addSerializer(BigDecimal.class, new AsString<>(BigDecimal.class, BigDecimal::toPlainString));
        module.addDeserializer(BigDecimal.class, new FromString<>(BigDecimal.class, WireJson::decimal));
        return module;
    }

    /** A decimal whose plain form is a sane length: {@code 1E+999999999} would be a gigabyte when written back. */
    private static BigDecimal decimal(String text) {
        BigDecimal value = new BigDecimal(text);
        if (Math.abs((long) value.scale()) > 1_000 || value.precision() - (long) value.scale() > 1_000) {
            throw new NumberFormatException("too large a scale: " + text);
        }
        return value;
    }

    private static final class AsString<T> extends StdScalarSerializer<T> {
        private final Function<T, String> format;

        AsString(Class<T> type, Function<T, String> format) {
            super(type);
            this.format = format;
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(format.apply(value));
        }
    }

    /** Only a JSON string, parsed whole; anything else fails with the field's path. */
    private static final class FromString<T> extends StdScalarDeserializer<T> {
        private final transient Function<String, T> parse;

        FromString(Class<T> type, Function<String, T> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (T) ctxt.handleUnexpectedToken(handledType(), p);
            }
            String text = p.getText();
            try {
                return parse.apply(text);
            } catch (DateTimeParseException | NumberFormatException e) {
                return (T) ctxt.handleWeirdStringValue(handledType(), text, "not %s", describe(handledType()));
            }
        }
    }
}

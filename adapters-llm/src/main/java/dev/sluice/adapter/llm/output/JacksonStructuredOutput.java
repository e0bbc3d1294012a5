package dev.sluice.adapter.llm.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.domain.port.StructuredOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The domain's {@link StructuredOutput}, read with Jackson. Strict JSON: no comments, single quotes, unquoted keys,
 * {@code NaN}, leading zeros or trailing commas, nothing after the value, no key twice in one object. What it reads
 * is bounded by {@link StreamReadConstraints} (nesting depth, the answer's, a string's, a key's and a number's length)
 * and the tree is walked without recursion, so no answer can exhaust the stack or the heap.
 *
 * <p>The reasons are sluice's own sentences, with the line and column of a syntax error: Jackson's messages quote the
 * answer at length and name Java types.
 */
public final class JacksonStructuredOutput implements StructuredOutput {
    /** The deepest nesting read: far beyond any structured answer, far short of what would exhaust a stack. */
    public static final int MAX_DEPTH = 500;

    /**
     * The longest answer read, in characters: more than a model's output limit lets it write (a pipeline's
     * {@code maxOutputChars} is applied after reading, to the answer as stored). A string or a key can be no longer.
     */
    public static final int MAX_CHARS = 1_000_000;

    /** The most digits of one number (Jackson's default). */
    public static final int MAX_NUMBER_DIGITS = 1_000;

    private static final char BYTE_ORDER_MARK = '\uFEFF';
    /** A duplicate key longer than this is not quoted in the reason. */
    private static final int QUOTED_KEY_LIMIT = 64;

    private final ObjectMapper mapper;
    private final int maxDepth;
    private final int maxChars;

    public JacksonStructuredOutput() {
        this(MAX_DEPTH, MAX_CHARS);
    }

    JacksonStructuredOutput(int maxDepth, int maxChars) {
        this.maxDepth = maxDepth;
        this.maxChars = maxChars;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxDocumentLength(maxChars)
                        .maxStringLength(maxChars)
                        .maxNameLength(maxChars)
                        .maxNumberLength(MAX_NUMBER_DIGITS)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Numbers are kept exactly as written (0.90 stays 0.90, 1e400 is no infinity) should the answer be
                // written anew.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    @Override
    public Checked check(String answer, List<String> requiredKeys, Values values) {
        // RFC 8259 lets a reader ignore a byte order mark; the answer is stored without it.
        String text = !answer.isEmpty() && answer.charAt(0) == BYTE_ORDER_MARK ? answer.substring(1) : answer;
        if (text.length() > maxChars) {
            return new Checked.Invalid(longerThanRead());
        }
        JsonNode read;
        try {
            read = mapper.readTree(text);
        } catch (StreamConstraintsException e) {
            return new Checked.Invalid(overLimit(e));
        } catch (JsonProcessingException e) {
            return new Checked.Invalid("the answer is not valid JSON: " + syntaxError(text, e));
        } catch (NumberFormatException e) {
            // Valid JSON, but no BigDecimal can hold it (RFC 8259 lets a reader limit the range of numbers).
            return new Checked.Invalid("the answer has a number whose exponent is out of range");
        }
        if (read == null || read.isMissingNode()) {
            return new Checked.Invalid("the answer is empty, not a JSON object");
        }
        if (!(read instanceof ObjectNode object)) {
            return new Checked.Invalid("the answer is " + kindOf(read) + ", not a JSON object");
        }
        List<String> missing =
                requiredKeys.stream().filter(key -> !object.has(key)).toList();
        if (!missing.isEmpty()) {
            return new Checked.Invalid(lacking(missing));
        }
        if (values == Values.KEEP || !rewrite(object, values)) {
            return new Checked.Valid(text, false);
        }
        try {
            return new Checked.Valid(mapper.writeValueAsString(object), true);
        } catch (JsonProcessingException e) {
            // A tree that was just read within the limits can always be written; this would be Jackson's defect.
            throw new IllegalStateException("a structured answer read could not be written again", e);
        }
    }

    /**
     * Rewrites the string and integer values of {@code root} in place, breadth first without recursion.
     *
     * @return whether a value changed
     */
    private static boolean rewrite(ObjectNode root, Values values) {
        boolean changed = false;
        Deque<JsonNode> containers = new ArrayDeque<>();
        containers.add(root);
        while (!containers.isEmpty()) {
            JsonNode container = containers.poll();
            if (container instanceof ObjectNode object) {
                Map<String, JsonNode> replaced = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    JsonNode value = field.getValue();
                    if (value.isContainerNode()) {
                        containers.add(value);
                    } else {
                        rewritten(value, values).ifPresent(r -> replaced.put(field.getKey(), r));
                    }
                }
                replaced.forEach(object::set);
                changed |= !replaced.isEmpty();
            } else if (container instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    JsonNode value = array.get(i);
                    if (value.isContainerNode()) {
                        containers.add(value);
                    } else {
                        Optional<JsonNode> r = rewritten(value, values);
                        if (r.isPresent()) {
                            array.set(i, r.get());
                            changed = true;
                        }
                    }
                }
            }
        }
        return changed;
    }

    private static Optional<JsonNode> rewritten(JsonNode value, Values values) {
        if (value.isTextual()) {
            String before = value.textValue();
            String after = Objects.requireNonNull(values.string(before), "a rewritten string must not be null");
            return after.equals(before) ? Optional.empty() : Optional.of(TextNode.valueOf(after));
        }
        if (value.isIntegralNumber()) {
            return values.integer(value.bigIntegerValue().toString()).map(TextNode::valueOf);
        }
        return Optional.empty();
    }

    private String longerThanRead() {
        return "the answer is longer than " + maxChars + " characters, the most sluice reads as JSON";
    }

    /** Which of the reader's limits the answer broke; Jackson names it only in its message. */
    private String overLimit(StreamConstraintsException e) {
        String said = Objects.toString(e.getOriginalMessage(), "");
        if (said.contains("getMaxNestingDepth")) {
            return "the answer nests deeper than " + maxDepth + " levels";
        }
        if (said.contains("getMaxDocumentLength")) {
            return longerThanRead();
        }
        if (said.contains("getMaxStringLength")) {
            return "the answer has a string longer than " + maxChars + " characters";
        }
        if (said.contains("getMaxNameLength")) {
            return "the answer has a key longer than " + maxChars + " characters";
        }
        if (said.contains("getMaxNumberLength")) {
            return "the answer has a number longer than " + MAX_NUMBER_DIGITS + " digits";
        }
        return "the answer is larger than sluice reads as JSON";
    }

    /** What is wrong and where, e.g. {@code invalid escape sequence at line 1, column 9}. */
    private String syntaxError(String text, JsonProcessingException e) {
        String said = Objects.toString(e.getOriginalMessage(), "");
        String what;
        if (e instanceof JsonEOFException) {
            what = "unexpected end";
        } else if (said.startsWith("Duplicate field '") && said.endsWith("'")) {
            String key = said.substring("Duplicate field '".length(), said.length() - 1);
            what = key.length() <= QUOTED_KEY_LIMIT ? "duplicate key '" + key + "'" : "duplicate key";
        } else if (said.startsWith("Trailing token")) {
            what = "more text after the value";
        } else if (said.contains("character escape")) {
            what = "invalid escape sequence";
        } else if (said.startsWith("Illegal unquoted character")) {
            what = "unescaped control character in a string";
        } else if (said.startsWith("Invalid numeric value")
                || said.startsWith("Non-standard token")
                || said.startsWith("Malformed numeric value")) {
            what = "invalid number";
        } else if (afterTheValue(text, e)) {
            what = "more text after the value";
        } else if (said.startsWith("Unrecognized token")) {
            what = "unexpected text";
        } else {
            what = "unexpected character";
        }
        JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1 || at.getColumnNr() < 1) {
            return what;
        }
        return what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /**
     * Whether the error lies after a whole first value (as in {@code {} x} or {@code {}}}): Jackson refuses text that is
     * no token before {@code FAIL_ON_TRAILING_TOKENS} sees it, so a second pass reads just the first value to tell.
     */
    private boolean afterTheValue(String text, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        if (at == null || at.getCharOffset() < 0) {
            return false;
        }
        try (JsonParser parser = mapper.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            parser.finishToken();
            return at.getCharOffset() >= parser.currentLocation().getCharOffset();
        } catch (IOException unreadable) {
            return false;
        }
    }

    private static String kindOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a JSON array";
            case STRING -> "a JSON string";
            case NUMBER -> "a JSON number";
            case BOOLEAN -> "a JSON boolean";
            case NULL -> "JSON null";
            default -> "JSON";
        };
    }

    /** {@code the answer lacks the required key 'label'}, or {@code ... keys 'label' and 'confidence'}. */
    private static String lacking(List<String> missing) {
        List<String> quoted = missing.stream().map(k -> "'" + k + "'").toList();
        if (quoted.size() == 1) {
            return "the answer lacks the required key " + quoted.getFirst();
        }
        return "the answer lacks the required keys " + String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and "
                + quoted.getLast();
    }
}

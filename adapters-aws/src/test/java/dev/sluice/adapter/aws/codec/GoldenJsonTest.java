package dev.sluice.adapter.aws.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every JSON shape the adapters write, against the fixture in {@code src/test/resources/golden/} that the codec
 * before the move to Jackson wire records wrote for the same value: messages queued and objects stored by a
 * deployed version must still read after a deploy, and what is written now must read in a version still running.
 */
class GoldenJsonTest {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** A shape: its fixture, the domain value it holds, and the codec's two directions. */
    record Shape<T>(String fixture, T value, Function<T, String> write, Function<String, T> read) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static Stream<Shape<?>> shapes() {
        List<Shape<?>> shapes = new ArrayList<>();
        GoldenValues.envelopes()
                .forEach(
                        (name, e) -> shapes.add(new Shape<>(name, e, DomainJson::write, DomainJson::readQueueMessage)));
        shapes.add(new Shape<>("ingest", GoldenValues.ingest(), DomainJson::write, DomainJson::readQueueMessage));
        GoldenValues.traces()
                .forEach((name, t) -> shapes.add(new Shape<>(name, t, DomainJson::write, DomainJson::readHopTrace)));
        GoldenValues.jobs()
                .forEach((name, j) -> shapes.add(new Shape<>(name, j, DomainJson::write, DomainJson::readJob)));
        shapes.add(new Shape<>("hop-record", GoldenValues.hopRecord(), DomainJson::write, DomainJson::readHopRecord));
        shapes.add(new Shape<>("batch", GoldenValues.batch(), DomainJson::write, DomainJson::readBatch));
        GoldenValues.events()
                .forEach((name, e) -> shapes.add(new Shape<>(name, e, DomainJson::write, DomainJson::readDomainEvent)));
        return shapes.stream();
    }

    static String fixture(String name) {
        try (InputStream in = GoldenJsonTest.class.getResourceAsStream("/golden/" + name + ".json")) {
            assertThat(in).as("fixture golden/%s.json", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The fixture as the codec writes it: compact, fields in the fixture's order. */
    static String compact(String json) {
        try {
            return PLAIN.writeValueAsString(PLAIN.readTree(json));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode tree(String json) {
        try {
            return PLAIN.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    <T> void theFixtureReadsToItsValue(Shape<T> shape) {
        assertThat(shape.read().apply(fixture(shape.fixture()))).isEqualTo(shape.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    <T> void theValueWritesTheFixtureByteForByte(Shape<T> shape) {
        String written = shape.write().apply(shape.value());

        assertThat(tree(written)).isEqualTo(tree(fixture(shape.fixture())));
        assertThat(written).as("same fields in the same order").isEqualTo(compact(fixture(shape.fixture())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    <T> void fieldsAnotherVersionAddsAreIgnoredAtEveryLevel(Shape<T> shape) {
        JsonNode withExtras = tree(fixture(shape.fixture()));
        addUnknownFields(withExtras);

        assertThat(shape.read().apply(withExtras.toString())).isEqualTo(shape.value());
    }

    /**
     * Every key is read from itself and written back: each scalar of the fixture, changed, comes back changed and
     * nothing else does. A reader that takes a field from the wrong key, or reads a key but keeps another value (as
     * the old trace reader's {@code cost} did, reading it twice and ignoring the first), fails here.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    <T> void everyFieldIsReadFromItsOwnKeyAndWrittenBack(Shape<T> shape) {
        JsonNode golden = tree(fixture(shape.fixture()));
        List<String> leaves = new ArrayList<>();
        collectLeaves(golden, "", leaves);
        TreeSet<String> unchanged = new TreeSet<>();
        for (String leaf : leaves) {
            JsonNode mutated = golden.deepCopy();
            if (!mutate(mutated, leaf)) {
                unchanged.add(leaf);
                continue;
            }
            T read;
            try {
                read = shape.read().apply(mutated.toString());
            } catch (MalformedJsonException e) {
                // The domain refuses the changed value (a hop past the hop count, a counter past the jobs).
                unchanged.add(leaf);
                continue;
            }
            assertThat(read).as("%s with %s changed", shape.fixture(), leaf).isNotEqualTo(shape.value());
            assertThat(tree(shape.write().apply(read)))
                    .as("%s with %s changed, read and written again", shape.fixture(), leaf)
                    .isEqualTo(mutated);
        }
        assertThat(unchanged)
                .as("leaves the test could not change in %s", shape.fixture())
                .allMatch(leaf -> leaf.endsWith("/type")
                        || leaf.endsWith("/hop")
                        || leaf.endsWith("/succeeded")
                        || leaf.endsWith("/failed"));
    }

    /** The string maps, whose keys are content (any key is a value, not an unknown field). */
    private static final java.util.Set<String> STRING_MAPS = java.util.Set.of("metadata", "input", "outputs");

    private static void addUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(e -> {
                if (!STRING_MAPS.contains(e.getKey())) {
                    addUnknownFields(e.getValue());
                }
            });
            object.putObject("addedLater").putArray("x").add(1);
        } else if (node instanceof ArrayNode array) {
            array.forEach(GoldenJsonTest::addUnknownFields);
        }
    }

    /** JSON pointers of every scalar, except keys of string maps (the map's own key is its content). */
    private static void collectLeaves(JsonNode node, String pointer, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> collectLeaves(e.getValue(), pointer + "/" + e.getKey(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectLeaves(node.get(i), pointer + "/" + i, out);
            }
        } else {
            out.add(pointer);
        }
    }

    /** Changes the scalar at {@code pointer} to another valid value of its kind; false if it cannot. */
    private static boolean mutate(JsonNode root, String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String key = pointer.substring(slash + 1);
        JsonNode value = parent.isArray() ? parent.get(Integer.parseInt(key)) : parent.get(key);
        JsonNode changed = changed(key, value);
        if (changed == null) {
            return false;
        }
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(key), changed);
        } else {
            ((ObjectNode) parent).set(key, changed);
        }
        return true;
    }

    private static JsonNode changed(String key, JsonNode value) {
        if (key.equals("type")) {
            return null;
        }
        if (key.equals("priority")) {
            return TextNode.valueOf(value.textValue().equals("batch") ? "interactive" : "batch");
        }
        if (key.equals("status")) {
            return TextNode.valueOf(value.textValue().equals("QUEUED") ? "RUNNING" : "QUEUED");
        }
        if (value.isBoolean()) {
            return BooleanNode.valueOf(!value.booleanValue());
        }
        if (value.isInt()) {
            return IntNode.valueOf(value.intValue() + 1);
        }
        if (value.isLong() || value.isIntegralNumber()) {
            return PLAIN.getNodeFactory().numberNode(value.longValue() + 1);
        }
        if (value.isNumber()) {
            return PLAIN.getNodeFactory().numberNode(value.doubleValue() / 2);
        }
        String text = value.textValue();
        try {
            return TextNode.valueOf(Instant.parse(text).plusSeconds(1).toString());
        } catch (DateTimeParseException e) {
            // not an instant
        }
        try {
            return TextNode.valueOf(Duration.parse(text).plusMillis(1).toString());
        } catch (DateTimeParseException e) {
            // not a duration
        }
        if (key.equals("cost")) {
            return TextNode.valueOf(
                    new BigDecimal(text).add(new BigDecimal("0.01")).toPlainString());
        }
        return TextNode.valueOf(text + "x");
    }

    static Stream<Arguments> eventDetails() {
        return GoldenValues.events().entrySet().stream()
                .map(e -> Arguments.of("eventbridge-detail-" + e.getKey().substring("event-".length()), e.getValue()));
    }

    /** EventBridge's detail is written only (subscribers read it); its result or reason is cut at 12 chars here. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("eventDetails")
    void eventDetailsWriteTheirFixtureByteForByte(String fixture, dev.sluice.domain.model.DomainEvent event) {
        String written = DomainJson.writeEventDetail(event, 12);

        assertThat(tree(written)).isEqualTo(tree(fixture(fixture)));
        assertThat(written).isEqualTo(compact(fixture(fixture)));
    }
}

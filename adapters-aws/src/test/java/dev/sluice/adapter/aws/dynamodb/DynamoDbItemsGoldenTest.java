package dev.sluice.adapter.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.aws.codec.GoldenValues;
import dev.sluice.domain.fake.Fixtures;
import dev.sluice.domain.fake.InMemoryBlobStore;
import dev.sluice.domain.model.Batch;
import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Cost;
import dev.sluice.domain.model.HopRecord;
import dev.sluice.domain.model.Job;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.Priority;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/**
 * Every DynamoDB item shape sluice writes through a pure mapping, against the fixture in {@code
 * src/test/resources/golden/dynamodb/} (DynamoDB JSON, keys sorted) that the mapping wrote when the fixtures were
 * made: items in a deployed table must still read after a deploy, and what is written now must read in a version
 * still running. A renamed attribute or a changed attribute type fails here, not in production.
 *
 * <p>Not covered: the rate limiter's items. They are built only by {@code UpdateItem} expressions and read by a
 * private record ({@code DynamoDbRateLimiter.View.of}), so there is no domain value to map and no seam to test.
 */
class DynamoDbItemsGoldenTest {
    /** Small enough that the large-values job moves its big texts to the blob store, large enough for the rest. */
    static final int INLINE_LIMIT = 64;

    static final String CACHE_KEY = "cache#0f3a9c";
    static final Duration CACHE_TTL = Duration.ofHours(6);

    /** How a shape is written: the domain value to an item, large texts through {@code large}. */
    interface Writer<T> {
        Map<String, AttributeValue> write(T value, LargeValues large);
    }

    /** How a shape is read back: an item to the domain value, large texts through {@code large}. */
    interface Reader<T> {
        T read(Map<String, AttributeValue> item, LargeValues large);
    }

    /** A shape: its fixture, the domain value it holds, both directions, and the blobs its item points at. */
    record Shape<T>(String fixture, T value, Writer<T> write, Reader<T> read, Map<String, String> blobs) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    /** Shapes sluice writes with a pure mapping: the value writes the fixture and the fixture reads to the value. */
    static Stream<Shape<?>> writtenShapes() {
        List<Shape<?>> shapes = new ArrayList<>();
        shapes.add(job("job-item-queued", GoldenValues.queuedJob()));
        shapes.add(job("job-item-succeeded", GoldenValues.fullJob()));
        shapes.add(job("job-item-failed", GoldenValues.failedJob()));
        shapes.add(new Shape<>(
                "job-item-large-values", largeValuesJob(), JobItems::toItem, JobItems::toJob, LARGE_VALUE_BLOBS));
        shapes.add(new Shape<>(
                "batch-item",
                newBatch(),
                (b, large) -> JobItems.toItem(b),
                (item, large) -> JobItems.toBatch(item),
                Map.of()));
        shapes.add(new Shape<>(
                "cache-entry", completion(), (c, large) -> cachePut(c), (item, large) -> cacheGet(item), Map.of()));
        return shapes.stream();
    }

    /**
     * Items that exist in tables but that no pure mapping writes as they are: a batch after its jobs ended (the
     * counters are sets the store adds job ids to with {@code UpdateItem}), and a job written before priorities.
     */
    static Stream<Shape<?>> readOnlyShapes() {
        return Stream.of(
                new Shape<>(
                        "batch-item-counted",
                        GoldenValues.batch(),
                        null,
                        (item, large) -> JobItems.toBatch(item),
                        Map.of()),
                new Shape<>("job-item-before-priorities", GoldenValues.queuedJob(), null, JobItems::toJob, Map.of()));
    }

    static Stream<Shape<?>> allShapes() {
        return Stream.concat(writtenShapes(), readOnlyShapes());
    }

    private static Shape<Job> job(String fixture, Job job) {
        return new Shape<>(fixture, job, JobItems::toItem, JobItems::toJob, Map.of());
    }

    // ---- the domain values ----

    static final String LONG_QUESTION =
            "Why is the sky blue at noon but red at sunset, and grey on a cloudy day? \u00fc\u00f1\u00ed \u2713 \ud83d\ude00";
    static final String LONG_DRAFT = "The sky is blue because shorter wavelengths scatter more (Rayleigh scattering).";
    static final String LONG_ANSWER =
            "At sunset light crosses more air, so the blue is scattered away before it reaches you.";

    /** The blobs {@link #largeValuesJob} moves out of its item, by key (prefix, then a hash of the content). */
    static final Map<String, String> LARGE_VALUE_BLOBS = Map.of(
            "jobs/job_large/input/long+question/6c3b512965a32f148e624c610d50d3ea", LONG_QUESTION,
            "jobs/job_large/hops/0/draft%2Fv2/901c14c89c8769c304c3f7a80d682013", LONG_DRAFT,
            "jobs/job_large/result/dcaf5739a3af4ead1ab149422e02c1f6", LONG_ANSWER);

    /** A job whose input, hop output and result are over the inline limit, next to small ones that stay inline. */
    static Job largeValuesJob() {
        Map<String, String> input = new LinkedHashMap<>();
        input.put("long question", LONG_QUESTION);
        input.put("lang", "en");
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("draft/v2", LONG_DRAFT);
        outputs.put("notes", "short");
        HopRecord hop = new HopRecord(
                0,
                outputs,
                "fast",
                "gpt-4o-mini",
                List.of(),
                false,
                new TokenUsage(1200, 300, 0),
                Cost.usd("0.00045"),
                Fixtures.T0,
                Duration.ofMillis(950));
        return Job.queued(
                        new JobId("job_large"),
                        Fixtures.TENANT,
                        Fixtures.twoHopPipeline(),
                        input,
                        "fp-large",
                        new CorrelationId("corr-l"),
                        Optional.empty(),
                        Optional.empty(),
                        Priority.INTERACTIVE,
                        Fixtures.T0)
                .advancedWith(hop, GoldenValues.AT)
                .succeeded(LONG_ANSWER, GoldenValues.AT);
    }

    /** A batch as the store writes it on submission: no job ended yet, items fingerprinted. */
    static Batch newBatch() {
        Batch b = GoldenValues.batch();
        return new Batch(
                b.id(),
                b.tenant(),
                b.pipeline(),
                b.jobs(),
                0,
                0,
                b.correlationId(),
                b.createdAt(),
                Optional.of("ifp-9"));
    }

    static Completion completion() {
        return new Completion(
                "The sky is blue. \u00fc\u00f1\u00ed \"quoted\"",
                new TokenUsage(40, 12, 8),
                "gpt-4o-mini-2024-07-18",
                "stop",
                // A cache entry keeps no raw response: what it reads back has none.
                "");
    }

    // ---- the cache through its port, on a client that only records and answers ----

    /** The item {@link DynamoDbCompletionCache#put} writes, at {@link GoldenValues#AT}. */
    static Map<String, AttributeValue> cachePut(Completion completion) {
        StubDynamoDb client = new StubDynamoDb(null);
        cache(client).put(CACHE_KEY, completion, CACHE_TTL);
        assertThat(client.puts).as("one PutItem").hasSize(1);
        assertThat(client.puts.get(0).tableName()).isEqualTo("cache");
        return client.puts.get(0).item();
    }

    /** What {@link DynamoDbCompletionCache#get} makes of {@code item}, at {@link GoldenValues#AT}. */
    static Completion cacheGet(Map<String, AttributeValue> item) {
        StubDynamoDb client = new StubDynamoDb(item);
        Optional<Completion> read = cache(client).get(CACHE_KEY);
        assertThat(client.gets).singleElement().satisfies(g -> {
            assertThat(g.tableName()).isEqualTo("cache");
            assertThat(g.key()).isEqualTo(Map.of("pk", AttributeValue.fromS(CACHE_KEY)));
        });
        assertThat(read).as("a fresh entry is a hit").isPresent();
        return read.get();
    }

    private static DynamoDbCompletionCache cache(DynamoDbClient client) {
        return new DynamoDbCompletionCache(
                client, new DynamoDbCompletionCache.Settings("cache"), Clock.fixed(GoldenValues.AT, ZoneOffset.UTC));
    }

    private static final class StubDynamoDb implements DynamoDbClient {
        final Map<String, AttributeValue> item;
        final List<PutItemRequest> puts = new ArrayList<>();
        final List<GetItemRequest> gets = new ArrayList<>();

        StubDynamoDb(Map<String, AttributeValue> item) {
            this.item = item;
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            puts.add(request);
            return PutItemResponse.builder().build();
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            gets.add(request);
            return GetItemResponse.builder().item(item).build();
        }

        @Override
        public DeleteItemResponse deleteItem(DeleteItemRequest request) {
            throw new AssertionError("a golden cache entry is small enough to store: " + request);
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    // ---- fixtures ----

    static String fixture(String name) {
        try (InputStream in = DynamoDbItemsGoldenTest.class.getResourceAsStream("/golden/dynamodb/" + name + ".json")) {
            assertThat(in).as("fixture golden/dynamodb/%s.json", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static LargeValues largeValues(BlobStore blobs) {
        return new LargeValues(blobs, INLINE_LIMIT);
    }

    private static InMemoryBlobStore storeHolding(Map<String, String> blobs) {
        InMemoryBlobStore store = new InMemoryBlobStore();
        blobs.forEach(
                (key, text) -> store.put(key, text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8"));
        return store;
    }

    // ---- the tests ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("writtenShapes")
    <T> void theValueWritesTheFixtureExactly(Shape<T> shape) {
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        Map<String, AttributeValue> written = shape.write().write(shape.value(), largeValues(blobs));

        assertThat(DynamoDbJson.write(written)).isEqualTo(fixture(shape.fixture()));
        assertThat(written)
                .as("same attributes of the same types")
                .isEqualTo(DynamoDbJson.read(fixture(shape.fixture())));
        assertThat(blobs.size()).as("blobs written").isEqualTo(shape.blobs().size());
        shape.blobs()
                .forEach((key, text) -> assertThat(blobs.get(key))
                        .as("blob %s", key)
                        .hasValueSatisfying(b -> assertThat(new String(b.content(), StandardCharsets.UTF_8))
                                .isEqualTo(text)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allShapes")
    <T> void theFixtureReadsToItsValue(Shape<T> shape) {
        Map<String, AttributeValue> item = DynamoDbJson.read(fixture(shape.fixture()));

        assertThat(shape.read().read(item, largeValues(storeHolding(shape.blobs()))))
                .isEqualTo(shape.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allShapes")
    <T> void attributesAnotherVersionAddsAreIgnored(Shape<T> shape) {
        Map<String, AttributeValue> item = new HashMap<>(DynamoDbJson.read(fixture(shape.fixture())));
        item.put("addedLater", AttributeValue.fromS("by a newer version"));
        item.put("aaAddedLater", AttributeValue.fromM(Map.of("n", AttributeValue.fromN("7"))));
        item.put("zzAddedLater", AttributeValue.fromSs(List.of("a", "b")));
        AttributeValue hops = item.get(JobItems.HOPS);
        if (hops != null) {
            item.put(
                    JobItems.HOPS,
                    AttributeValue.fromL(hops.l().stream()
                            .map(h -> {
                                Map<String, AttributeValue> m = new HashMap<>(h.m());
                                m.put("addedLater", AttributeValue.fromBool(true));
                                return AttributeValue.fromM(m);
                            })
                            .toList()));
        }

        assertThat(shape.read().read(item, largeValues(storeHolding(shape.blobs()))))
                .isEqualTo(shape.value());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allShapes")
    <T> void theFixtureIsInTheNotationsOwnForm(Shape<T> shape) {
        String text = fixture(shape.fixture());

        assertThat(DynamoDbJson.write(DynamoDbJson.read(text)))
                .as("sorted, pretty printed")
                .isEqualTo(text);
    }

    @Test
    void theNotationCarriesEveryAttributeTypeBothWays() {
        Map<String, AttributeValue> item = Map.of(
                "s", AttributeValue.fromS("text \u00fc \ud83d\ude00"),
                "n", AttributeValue.fromN("-12.50"),
                "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 0xff})),
                "bool", AttributeValue.fromBool(false),
                "null", AttributeValue.fromNul(true),
                "m", AttributeValue.fromM(Map.of("z", AttributeValue.fromN("1"), "a", AttributeValue.fromS("x"))),
                "l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("2"))),
                "ss", AttributeValue.fromSs(List.of("b", "a")),
                "ns", AttributeValue.fromNs(List.of("2", "1.5")),
                "bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("hi"))));

        String json = DynamoDbJson.write(item);

        assertThat(DynamoDbJson.read(json)).isEqualTo(item);
        assertThat(json)
                .contains("\"b\" : {\n    \"B\" : \"AAH/\"\n  }")
                .contains("\"NULL\" : true")
                .contains("\"N\" : \"-12.50\"")
                .contains("\"SS\" : [\n      \"b\",\n      \"a\"\n    ]");
        assertThat(json.indexOf("\"a\" : {")).as("keys sorted inside maps").isLessThan(json.indexOf("\"z\" : {"));
        assertThat(json.indexOf("\"b\" : {")).as("keys sorted at the top").isLessThan(json.indexOf("\"s\" : {"));
    }
}

package dev.sluice.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.adapter.aws.codec.DomainJson;
import dev.sluice.adapter.aws.resources.QueueRole;
import dev.sluice.domain.model.CorrelationId;
import dev.sluice.domain.model.Envelope;
import dev.sluice.domain.model.JobId;
import dev.sluice.domain.model.TenantId;
import dev.sluice.emulators.llm.ModelBehaviour;
import dev.sluice.local.ApiClient;
import dev.sluice.local.DemoRun;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium, against the whole local runtime: a job submitted through the API moves to
 * SUCCEEDED on the jobs page, its timeline and traces open, a dead letter is redriven from the page. Each page is
 * saved as a screenshot under {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class WebConsoleBrowserIT {
    private static final String MODEL = "gpt-4o-mini";
    private static final String FALLBACK_MODEL = "claude-haiku-4-5";
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String HOSTILE = "<script>window.sluicePwned=1</script><b>bold?</b>";

    private static LocalSluice local;
    private static ApiClient api;
    private static WebDriver browser;
    private static String succeeded;

    @BeforeAll
    static void start() throws Exception {
        local = LocalSluice.start(new LocalSluice.Options(
                Files.createTempDirectory("sluice-console-it"),
                0,
                Duration.ofMillis(50),
                0,
                Duration.ofSeconds(5),
                5,
                10));
        api = new ApiClient(local.api(), "console-tenant");
        assertThat(api.post("/v1/documents", DemoRun.corpus("docs")).status()).isEqualTo(202);
        DemoRun.waitUntilDrained(local, local.queueUrl(QueueRole.INGEST), Duration.ofMinutes(2));
        browser = chromium();
        Files.createDirectories(SCREENSHOTS);
    }

    /** Debian's Chromium and its driver, found by path so nothing is downloaded. */
    static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (local != null) {
            local.close();
        }
    }

    @Test
    @Order(1)
    void aSubmittedJobMovesToSucceededOnTheJobsPage() throws IOException, InterruptedException {
        browser.get(local.api() + "/");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Jobs");
        local.simulator().configure(MODEL, ModelBehaviour.DEFAULT.withScript(HOSTILE));
        succeeded = submit("Where is my job? " + HOSTILE);
        By row = By.xpath("//table[@id='jobs']//tr[td/a[text()='" + succeeded + "']]");
        // The page is not reloaded: its script polls the rows while the job runs.
        await().until(ExpectedConditions.presenceOfElementLocated(row));
        await().until(d -> d.findElement(row).getAttribute("data-status").equals("SUCCEEDED"));
        assertThat(browser.findElement(row).getText()).contains("rag").contains("console-tenant");
        // Its trace is written when the processor's invocation ends, which the job page reads next.
        api.awaitTrace(succeeded, 1, java.time.Duration.ofSeconds(30));
        screenshot("jobs");

        new Select(browser.findElement(By.id("status"))).selectByValue("FAILED");
        browser.findElement(By.cssSelector("#filters button")).click();
        await().until(ExpectedConditions.urlContains("status=FAILED"));
        assertThat(browser.findElements(row)).isEmpty();
        browser.get(local.api() + "/?q=" + succeeded.substring(0, 12));
        assertThat(browser.findElements(row)).hasSize(1);
    }

    @Test
    @Order(2)
    void theJobPageShowsItsTimelineTokensCostAndTraceWithUntrustedTextAsText() throws IOException {
        browser.get(local.api() + "/");
        browser.findElement(By.linkText(succeeded)).click();
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("waterfall")));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("SUCCEEDED");
        assertThat(browser.findElements(By.cssSelector("#waterfall tr.bar"))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.findElement(By.id("waterfall")).getText())
                .contains("hop 0 ran")
                .contains("tokens");
        // The model's answer and the job's input hold markup: shown as text, never run.
        assertThat(browser.findElement(By.id("answer")).getText()).isEqualTo(HOSTILE);
        assertThat(browser.findElement(By.cssSelector("dl.facts:nth-of-type(2)"))
                        .getText())
                .contains(HOSTILE);
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof window.sluicePwned"))
                .isEqualTo("undefined");
        assertThat(browser.findElements(By.xpath("//main//b[text()='bold?']"))).isEmpty();

        browser.findElement(By.cssSelector("#trace-0 summary")).click();
        assertThat(browser.findElement(By.cssSelector("#trace-0 .prompt")).getText())
                .contains(HOSTILE);
        assertThat(browser.findElement(By.cssSelector("#trace-0 .response")).getText())
                .isEqualTo(HOSTILE);
        assertThat(browser.findElements(By.cssSelector("#trace-0 table.chunks tbody tr")))
                .isNotEmpty();
        screenshot("job");
        local.simulator().configure(MODEL, ModelBehaviour.DEFAULT);
    }

    @Test
    @Order(3)
    void aDeadLetterIsShownWithItsReasonAndRedrivenFromThePage() throws Exception {
        local.simulator().failNext(MODEL, 400, 1);
        local.simulator().failNext(FALLBACK_MODEL, 400, 1);
        String id = submit("Will the console redrive me? " + UUID.randomUUID());
        browser.get(local.api() + "/jobs/" + id);
        await().until(d -> d.findElement(By.id("status")).getText().equals("FAILED"));
        // The dead letter a hop leaves when every one of its deliveries died, as the redrive tests put it.
        Envelope deadLetter = new Envelope(
                new JobId(id),
                new TenantId("console-tenant"),
                new CorrelationId("console-it"),
                "rag",
                0,
                1,
                Optional.empty());
        local.sqs()
                .sendMessage(r ->
                        r.queueUrl(local.deadLetterQueueUrl(QueueRole.WORK)).messageBody(DomainJson.write(deadLetter)));

        browser.get(local.api() + "/dead-letters");
        By letter = By.xpath("//tr[contains(@class,'dead-letter')][td/a[text()='" + id + "']]");
        assertThat(browser.findElement(letter).getText()).contains("FAILED").contains("HTTP 400");
        screenshot("dead-letters");

        browser.findElement(By.id("redrive")).click();
        await().until(ExpectedConditions.presenceOfElementLocated(By.id("redriven")));
        assertThat(browser.findElement(By.id("redriven")).getText())
                .contains(id)
                .contains("reopened");
        assertThat(browser.findElements(letter)).isEmpty();
        browser.get(local.api() + "/jobs/" + id);
        await().until(d -> {
            d.navigate().refresh();
            return d.findElement(By.id("status")).getText().equals("SUCCEEDED");
        });
    }

    @Test
    @Order(4)
    void thePipelinePageShowsStepsModelsAndWhereEachAliasPoints() throws IOException {
        browser.get(local.api() + "/pipelines");
        assertThat(browser.findElements(By.cssSelector("h2.pipeline"))).isNotEmpty();
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("rag")
                .contains(MODEL)
                .contains("semantic cache at similarity 0.85");
        assertThat(browser.findElement(By.id("models")).getText()).contains(local.simulatorEndpoint() + "/v1");
        screenshot("pipelines");
    }

    @Test
    @Order(5)
    void theChartsShowQueueDepthsJobsPerMinuteProviderOutcomesAndSpendPerTenant() throws IOException {
        browser.get(local.api() + "/charts");
        assertThat(browser.findElements(By.cssSelector("#queue-depth polyline")))
                .hasSizeGreaterThanOrEqualTo(6);
        assertThat(browser.findElement(By.id("queues")).getText()).contains("work DLQ");
        assertThat(browser.findElements(By.cssSelector("#jobs-per-minute polyline")))
                .hasSize(2);
        assertThat(browser.findElement(By.id("provider-outcomes")).getText()).contains("answered");
        assertThat(browser.findElement(By.id("spend")).getText()).contains("console-tenant");
        screenshot("charts");
    }

    private static String submit(String question) {
        ApiClient.Reply reply = api.post("/v1/jobs", Map.of("pipeline", "rag", "input", Map.of("question", question)));
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(202);
        return reply.body().path("jobId").asText();
    }

    private static WebDriverWait await() {
        // A running job's page reloads itself: an element read between a find and its text may be gone; look again.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(1), Duration.ofMillis(200));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void screenshot(String page) throws IOException {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}

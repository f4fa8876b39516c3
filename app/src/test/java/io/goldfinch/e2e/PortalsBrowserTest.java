package io.goldfinch.e2e;

import io.goldfinch.accounts.UserStore;
import io.goldfinch.support.Api;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Both portals in a real headless Chromium against the running app: sign in through the page (HTTP-only cookie), then
 * the first view. Skipped where Chromium is not installed, unless GOLDFINCH_REQUIRE_BROWSER=true (CI), where it fails.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalsBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String DRIVER = "/usr/bin/chromedriver";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    UserStore users;
    @Inject
    EmbeddedServer server;

    WebDriver browser;

    @BeforeAll
    void startBrowser() throws Exception {
        boolean present = new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute();
        if (!present && "true".equals(System.getenv("GOLDFINCH_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("Chromium and chromedriver are required here but missing");
        }
        assumeTrue(present, "Chromium not installed");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("gf-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void signIn(String portal, String email) {
        browser.get(server.getURL() + "/" + portal + "/");
        browser.manage().deleteAllCookies(); // each test signs in as its own user
        browser.navigate().refresh();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("email"))).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(Api.PASSWORD);
        browser.findElement(By.id("signin")).click();
    }

    @Test
    void aWorkerSignsInSeesTheOpenJobAndLabelsATaskWithHotkeys() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 100_000);
        String title = "Browser job " + System.nanoTime();
        long job = api.createJob(requester, Map.of("title", title, "goldRate", 0.0, "overlapMin", 1, "overlapMax", 1));
        api.upload(requester, job, "items", "text/csv", Api.itemsCsv("b", 3));
        api.post(requester, "/api/jobs/" + job + "/publish", Map.of());
        Api.Session worker = api.signUp("WORKER");

        signIn("worker", worker.email());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs"), title));
        assertThat(browser.findElement(By.id("earnings")).getText()).isNotBlank();
        // No answers yet: the page says the hourly pay is not known rather than guess.
        assertThat(browser.findElement(By.cssSelector("[data-job-id='" + job + "'] [data-testid=job-hourly]")).getText()).startsWith("Hourly pay: not known yet");
        assertThat(browser.manage().getCookieNamed("GOLDFINCH_JWT")).isNotNull().satisfies(c -> assertThat(c.isHttpOnly()).isTrue());

        // The labeling view: hotkey 1 picks the first label, Enter submits; the answer is stored.
        browser.findElement(By.cssSelector("[data-job-id='" + job + "'] [data-testid=start-job]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("item")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("item"), "review number"));
        new org.openqa.selenium.interactions.Actions(browser).sendKeys("1").sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        wait.until(d -> api.get(requester, "/api/jobs/" + job + "/progress").get("answers") instanceof Number n && n.longValue() == 1);
        String answers = api.getText(requester, "/api/jobs/" + job + "/answers?format=csv");
        assertThat(answers).contains(",positive,false,SUBMITTED,");
    }

    @Test
    void aRequesterSignsInAndSeesBalanceAndJobs() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 123_456);
        String title = "Requester view " + System.nanoTime();
        api.createJob(requester, Map.of("title", title));

        signIn("requester", requester.email());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs"), title));
        assertThat(browser.findElement(By.id("balance")).getText()).contains("1,234.56");
    }

    @Test
    void aRequesterCreatesAJobUploadsItsItemsAndPublishesItFromThePortal() throws Exception {
        Api api = new Api(client.toBlocking(), users);
        Api.Session requester = api.signUp("REQUESTER");
        api.credit(api.admin(), requester.id(), 100_000);
        String title = "Portal job " + System.nanoTime();
        File items = Files.createTempFile("items", ".csv").toFile();
        Files.writeString(items.toPath(), "id,text\np1,\"first review\"\np2,\"second review\"\np1,\"the first again\"\np3,\"third review\"\n");

        signIn("requester", requester.email());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#new-job summary"))).click();
        browser.findElement(By.id("job-title")).sendKeys(title);
        browser.findElement(By.id("job-labels")).sendKeys("positive, negative");
        browser.findElement(By.id("job-gold-rate")).clear();
        browser.findElement(By.id("job-gold-rate")).sendKeys("0");
        browser.findElement(By.id("job-label-value")).sendKeys("0.50");
        browser.findElement(By.id("job-create")).click();
        // The draft is chosen: upload its items from a file (XHR with the session cookie), see the refused row, publish.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("upload-items-file"))).sendKeys(items.getAbsolutePath());
        browser.findElement(By.id("upload-items")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-items-result"), "3 of 4 rows stored, 1 refused."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("quote"), "15 tasks"));
        browser.findElement(By.id("publish")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "Top up escrow"));
        java.util.List<Map<String, Object>> jobs = api.getList(requester, "/api/jobs");
        assertThat(jobs).singleElement().satisfies(j -> {
            assertThat(j).containsEntry("title", title).containsEntry("status", "PUBLISHED");
            assertThat(Api.num(j.get("itemCount"))).isEqualTo(3);
            assertThat(Api.num(j.get("labelValueMinor"))).as("what a right label is worth, typed in dollars").isEqualTo(50);
        });
        long job = Api.num(jobs.get(0).get("id"));

        // Pause it with a note, then change a setting: both land, and the history shows them.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("job-note"))).sendKeys("checking the instructions");
        browser.findElement(By.id("job-pause")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("setup-status"), "Paused:"));
        wait.until(d -> "PAUSED".equals(api.get(requester, "/api/jobs/" + job).get("status")));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#job-settings summary"))).click();
        browser.findElement(By.id("set-priority")).clear();
        browser.findElement(By.id("set-priority")).sendKeys("7");
        browser.findElement(By.id("set-label-value")).clear();
        browser.findElement(By.id("set-label-value")).sendKeys("1.25");
        assertThat(browser.findElement(By.id("set-calibrate")).isSelected()).as("confidence calibrated on golds by default").isTrue();
        browser.findElement(By.id("set-calibrate")).click();
        browser.findElement(By.id("set-save")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("settings-status"), "Saved: priority, labelValueMinor, calibrateConfidence."));
        assertThat(api.get(requester, "/api/jobs/" + job)).containsEntry("priority", 7).containsEntry("pauseReason", "OWNER").containsEntry("labelValueMinor", 125)
                .containsEntry("calibrateConfidence", false);
        assertThat(api.getList(requester, "/api/jobs/" + job + "/changes")).extracting(c -> c.get("action")).containsExactly("PAUSE", "SETTINGS");
    }

    @Test
    void aQualityManagerSignsInToTheConsoleAndSeesAnotherRequestersJob() {
        Api api = new Api(client.toBlocking(), users);
        Api.Session qm = api.admin();
        Api.Session requester = api.fundedRequester(qm);
        String title = "Overseen job " + System.nanoTime();
        api.createJob(requester, Map.of("title", title));

        signIn("requester", qm.email());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jobs"), title));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Quality console");
        assertThat(browser.findElement(By.id("jobs")).getText()).contains(requester.email());
        assertThat(browser.getCurrentUrl()).endsWith("#/quality");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("qm-queues"), "Appeals"));
    }
}

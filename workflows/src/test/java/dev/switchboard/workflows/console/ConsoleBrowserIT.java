package dev.switchboard.workflows.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.review.ReviewQueue;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.ReviewRecords;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (headless Chromium through Selenium) against a running engine:
 * a chain of models that are all unsure holds every ticket for review. Skipped, with a message, where
 * Chromium and its driver are not installed ({@code apt-get install -y chromium chromium-driver}).
 * With {@code -Dswitchboard.console.screenshots=true} it writes each page's screenshot to docs/console/.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));
    private static final String ADMIN_TOKEN = "console-admin-token-7d1e";
    private static final String REVIEWER_TOKEN = "reviewer-token-3b8a0c";
    private static final String VIEWER_TOKEN = "viewer-token-91f2d4";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Path SCREENSHOTS = Path.of("..", "docs", "console");

    private Path dir;
    private ModelSimulator model;
    private TaskReceiver receiver;
    private Engine engine;
    private WebDriver browser;
    private String base;
    private String workflowName;
    private String draftWorkflowName;
    private ReviewQueue queue;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(SharedKafka.Bootstrap kafka) throws Exception {
        if (!browserInstalled()) {
            return;
        }
        dir = Files.createTempDirectory("switchboard-console-it");
        Files.createDirectories(dir.resolve("out/eval/2026-12-04"));
        Files.writeString(dir.resolve("out/eval/2026-12-04/report.md"), "# Evaluation of triage\n\naccuracy 0.91 <script>x</script>\n");
        Files.writeString(dir.resolve("out/eval/2026-12-04/report.html"), "<html><body><h1>Evaluation</h1><script>document.title='ran'</script></body></html>");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        workflowName = "console-" + suffix;
        draftWorkflowName = "console-draft-" + suffix;
        // every model is unsure of its label; drafted replies wait for a person in a review step
        model = ModelSimulator.start().answers(request -> request.system().contains("Articles:")
                ? "{\"draft\": \"Refunds reach your card in five days.\", \"citations\": [], \"confidence\": 0.9}"
                : ModelSimulator.answer("bug", 0.4));
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/refunds.md"), "# Refunds\n\nRefunds reach your card within five working days.\n");
        Files.writeString(dir.resolve("draft.yaml"), """
                name: %s
                on:
                  topic: console.drafts.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: reply
                    draft:
                      input: "{{ event.data.body }}"
                      knowledge_base: kb
                      model: careful
                  - id: hold
                    review:
                      reason: "Check the reply before it is sent"
                      propose:
                        draft: "{{ steps.reply.draft }}"
                  - id: send
                    task:
                      sink: receiver
                      title: "Reply to {{ event.data.subject }}"
                      fields:
                        reply: "{{ steps.hold.draft }}"
                """.formatted(draftWorkflowName, suffix));
        receiver = new TaskReceiver();
        Files.writeString(dir.resolve("wf.yaml"), """
                name: %s
                on:
                  topic: console.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.subject }}: {{ event.data.body }}"
                      model: careful
                      min_confidence: 0.7
                      labels:
                        billing: Invoices and payments
                        bug: Something is broken
                  - id: create-task
                    task:
                      sink: receiver
                      title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                      fields:
                        label: "{{ steps.triage.label }}"
                """.formatted(workflowName, suffix));
        Files.writeString(dir.resolve("console-users.yaml"), """
                users:
                  - name: ria
                    role: reviewer
                    token_sha256: %s
                  - name: vic
                    role: viewer
                    token_sha256: %s
                """.formatted(sha256(REVIEWER_TOKEN), sha256(VIEWER_TOKEN)));
        var config = EngineConfigLoader.standard().parse("it.yaml", """
                kafka:
                  bootstrap_servers: %1$s
                topics:
                  tasks: console.tasks.%2$s
                  dead_letter: console.dlq.%2$s
                  deliveries: console.deliveries.%2$s
                  review: console.reviews.%2$s
                  audit: console.audit.%2$s
                  decisions: console.decisions.%2$s
                models:
                  sim-a:
                    base_url: %3$s
                    model: qwen-a
                    retries: 0
                aliases:
                  careful: [sim-a]
                sinks:
                  receiver:
                    webhook:
                      url: %4$s
                outbound:
                  allowed_hosts: [%5$s]
                http:
                  port: 0
                admin:
                  token_env: CONSOLE_ADMIN_TOKEN
                  console:
                    users_file: console-users.yaml
                """.formatted(kafka.servers(), suffix, model.baseUrl(), receiver.url(), receiver.hostAndPort()), dir);
        assertThat(config.problems()).isEmpty();
        Map<String, String> env = Map.of("CONSOLE_ADMIN_TOKEN", ADMIN_TOKEN);
        engine = Engine.builder(config.config()).secrets(name -> Optional.ofNullable(env.get(name))).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        WorkflowLoader.Result drafts = engine.loader().load(dir.resolve("draft.yaml"));
        assertThat(drafts.problems()).isEmpty();
        engine.start(List.of(workflow.workflow(), drafts.workflow()));
        base = "http://127.0.0.1:" + engine.adminPort();
        queue = new ReviewQueue(kafka.servers(), Map.of(), "console.reviews." + suffix, "console.decisions." + suffix);
        EventPublisher.publish(kafka.servers(), Map.of(), "console.events." + suffix, new StringReader(
                traced(ticket("ev-approve", "Charged twice", "My card was charged twice"))
                        + ticket("ev-correct", "Refund please", "Where is my refund")
                        + ticket("ev-reject", "Spam", "Buy cheap watches")
                        + ticket("ev-markup", "<script>document.title='owned'</script><b>bold</b>", "<img src=x onerror=alert(1)>")
                        + "not json\n"));
        EventPublisher.publish(kafka.servers(), Map.of(), "console.drafts." + suffix, new StringReader(
                ticket("ev-draft", "Refund", "When does my refund arrive?")));
        await().atMost(Duration.ofSeconds(60)).until(() -> queue.pending(10).size() == 5);

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(), options);
    }

    /** Each test is skipped, saying why, where the browser is not installed; the engine is not even started then. */
    @BeforeEach
    void needsBrowser() {
        assumeTrue(browserInstalled(), "Browser tests skipped: no Chromium at " + CHROMIUM + " or no chromedriver at " + CHROMEDRIVER
                + " (apt-get install -y chromium chromium-driver)");
    }

    private static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (engine != null) {
            engine.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void should_resume_the_workflow_and_deliver_the_task_when_a_reviewer_approves_in_the_console() throws Exception {
        // given a reviewer signed in, on the review queue
        signIn(REVIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + workflowName);
        String id = reviewId("ev-approve");
        screenshot("reviews");

        // when she moves to it with the keyboard (j) and approves the model's answer (a)
        Actions keys = new Actions(browser);
        for (int i = 0; i < 5 && !id.equals(browser.switchTo().activeElement().getAttribute("data-review")); i++) {
            keys.sendKeys("j").perform();
        }
        assertThat(browser.switchTo().activeElement().getAttribute("data-review")).isEqualTo(id);
        keys.sendKeys("a").perform();

        // then the page says so, the decision carries her name, and the task is delivered with the model's label
        waitFor(By.id("review-message"), "Approved " + id);
        // (htmx, served by the engine and allowed by the CSP, swapped the queue in place: the page did not navigate)
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console/reviews?workflow=" + workflowName);
        assertThat(browser.findElements(By.cssSelector("article[data-review='" + id + "']"))).isEmpty();
        assertThat(queue.find(id).orElseThrow().path("decided_by").asText()).isEqualTo("ria");

        // and a second decision on it, from a page still open elsewhere, is told who decided first
        String csrf = browser.findElement(By.cssSelector("form.who input[name=csrf]")).getAttribute("value");
        HttpResponse<String> again = post("/console/reviews/decide", "csrf=" + csrf + "&id=" + id + "&decision=reject", base);
        assertThat(again.body()).contains("Review " + id + " was already approved by ria");
        JsonNode task = await().atMost(Duration.ofSeconds(60)).until(() -> taskOf("ev-approve"), Optional::isPresent).orElseThrow();
        assertThat(task.path("fields").path("label").asText()).isEqualTo("bug");

        // and the event's lineage shows her decision and the delivery receipt
        browser.get(base + "/console/events?id=ev-approve");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> {
            driver.navigate().refresh();
            return driver.findElements(By.cssSelector("li.receipt")).stream().anyMatch(li -> li.getText().startsWith("delivered"));
        });
        assertThat(browser.findElement(By.id("lineage")).getText()).contains("approved by ria", "triage (classify)", "sim-a/qwen-a");
        // with the prompt each model call was made with, and the trace the event came in on
        assertThat(browser.findElement(By.cssSelector("li.call span.prompt")).getText()).matches("prompt classify/triage version \\S+");
        // and the text behind that version, from the prompts topic the engine wrote at start
        browser.findElement(By.cssSelector("li.call details summary")).click();
        assertThat(browser.findElement(By.cssSelector("li.call pre.prompt-text")).getText()).contains("You are a text classifier.");
        assertThat(browser.findElement(By.cssSelector("code.trace-id")).getText()).isEqualTo(TRACE_ID);
        screenshot("lineage");
    }

    @Test
    void should_focus_the_value_with_e_and_reject_with_r_when_a_reviewer_uses_the_keyboard() {
        // given a reviewer on the review queue, on the item of a spam ticket
        signIn(REVIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + workflowName);
        String id = reviewId("ev-reject");
        JavascriptExecutor page = (JavascriptExecutor) browser;
        page.executeScript("arguments[0].focus()", item(id));
        Actions keys = new Actions(browser);

        // when she presses e, the item's value is ready to edit
        keys.sendKeys("e").perform();
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("value-" + id);

        // and back on the item, r rejects it
        page.executeScript("arguments[0].focus()", item(id));
        keys.sendKeys("r").perform();

        // then the event ends without a task, and the decision carries her name
        waitFor(By.id("review-message"), "Rejected " + id);
        assertThat(browser.findElements(By.cssSelector("article[data-review='" + id + "']"))).isEmpty();
        assertThat(queue.find(id).orElseThrow().path("status").asText()).isEqualTo("rejected");
        assertThat(queue.find(id).orElseThrow().path("decided_by").asText()).isEqualTo("ria");
    }

    @Test
    void should_tell_the_user_when_a_partial_update_is_refused() {
        // given an operator on the overview whose page holds a CSRF token that is no longer good
        signIn(ADMIN_TOKEN);
        By pause = By.cssSelector("button[aria-label='Pause " + workflowName + "']");
        ((JavascriptExecutor) browser).executeScript("arguments[0].form.querySelector('input[name=csrf]').value = 'stale'",
                browser.findElement(pause));

        // when she pauses the workflow (an htmx request, answered 403)
        browser.findElement(pause).click();

        // then the page says it was refused and why, and the workflow still runs
        waitFor(By.id("console-error"), "Refused: This request did not come from a console page");
        assertThat(browser.findElement(By.id("console-error")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.cssSelector("tr[data-workflow='" + workflowName + "'] td.state")).getText()).isEqualTo("Started");
    }

    @Test
    void should_send_the_edited_reply_when_a_reviewer_corrects_a_drafted_reply() throws Exception {
        // given a reviewer on the review queue of the drafting workflow, where the held draft shows in a box of its own
        signIn(REVIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + draftWorkflowName);
        String id = ReviewRecords.reviewId(draftWorkflowName, "/it", "ev-draft", "hold");
        WebElement reply = item(id).findElement(By.cssSelector("textarea.draft"));
        assertThat(reply.getAttribute("value")).isEqualTo("Refunds reach your card in five days.");

        // when she rewrites the reply and approves it
        reply.clear();
        reply.sendKeys("Hello, your refund reaches your card within five working days.");
        item(id).findElement(By.cssSelector("button.correct")).click();

        // then the task goes out with her reply
        waitFor(By.id("review-message"), "with your correction");
        JsonNode task = await().atMost(Duration.ofSeconds(60)).until(() -> taskOf("ev-draft"), Optional::isPresent).orElseThrow();
        assertThat(task.path("fields").path("reply").asText()).isEqualTo("Hello, your refund reaches your card within five working days.");
    }

    @Test
    void should_deliver_the_corrected_value_when_a_reviewer_corrects_it() throws Exception {
        // given a reviewer on the review queue
        signIn(REVIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + workflowName);
        String id = reviewId("ev-correct");

        // when she replaces the model's answer with her own and approves it
        WebElement value = item(id).findElement(By.cssSelector("textarea.value"));
        value.clear();
        value.sendKeys("{\"label\": \"billing\", \"confidence\": 1.0}");
        item(id).findElement(By.cssSelector("button.correct")).click();

        // then the task goes out with her label
        waitFor(By.id("review-message"), "with your correction");
        JsonNode task = await().atMost(Duration.ofSeconds(60)).until(() -> taskOf("ev-correct"), Optional::isPresent).orElseThrow();
        assertThat(task.path("fields").path("label").asText()).isEqualTo("billing");
        assertThat(task.path("title").asText()).isEqualTo("[billing] Refund please");
    }

    @Test
    void should_show_markup_of_an_event_as_text_when_the_event_carries_html() {
        // given a held event whose subject and body hold a script and HTML
        signIn(VIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + workflowName);
        WebElement item = item(reviewId("ev-markup"));

        // then the page shows them as text and runs or renders none of it
        assertThat(item.findElement(By.cssSelector("pre.event")).getText()).contains("<script>document.title='owned'</script><b>bold</b>",
                "<img src=x onerror=alert(1)>");
        assertThat(item.findElements(By.cssSelector("script, b, img"))).isEmpty();
        assertThat(browser.getTitle()).doesNotContain("owned");
    }

    @Test
    void should_refuse_a_decision_when_the_user_is_a_viewer() throws Exception {
        // given a viewer on the review queue: the page offers her no decision
        signIn(VIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + workflowName);
        String id = reviewId("ev-markup");
        assertThat(item(id).findElements(By.cssSelector("button.approve"))).isEmpty();

        // when she posts an approval anyway, with her own valid session and CSRF token
        String csrf = browser.findElement(By.cssSelector("form.who input[name=csrf]")).getAttribute("value");
        HttpResponse<String> answer = post("/console/reviews/decide", "csrf=" + csrf + "&id=" + id + "&decision=approve", base);

        // then it is refused, and the review still waits
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("Your role, viewer, may not do this");
        assertThat(queue.find(id).orElseThrow().path("status").asText()).isEqualTo("pending");
    }

    @Test
    void should_refuse_a_change_when_its_csrf_token_is_missing_or_it_comes_from_another_site() throws Exception {
        // given a reviewer's signed-in session
        signIn(REVIEWER_TOKEN);
        browser.get(base + "/console/reviews?workflow=" + workflowName);
        String id = reviewId("ev-markup");
        String csrf = browser.findElement(By.cssSelector("form.who input[name=csrf]")).getAttribute("value");

        // when a request rides on her cookie without the token, or with it from another origin
        HttpResponse<String> noToken = post("/console/reviews/decide", "id=" + id + "&decision=approve", base);
        HttpResponse<String> otherSite = post("/console/reviews/decide", "csrf=" + csrf + "&id=" + id + "&decision=approve",
                "https://evil.example");

        // then both are refused and nothing is decided
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(otherSite.statusCode()).isEqualTo(403);
        assertThat(queue.find(id).orElseThrow().path("status").asText()).isEqualTo("pending");
    }

    @Test
    void should_pause_and_resume_a_workflow_when_an_operator_asks() {
        // given the admin signed in on the overview, and a wrong token refused first
        browser.get(base + "/console/login");
        browser.manage().deleteAllCookies();
        browser.findElement(By.id("token")).sendKeys("not-a-token");
        browser.findElement(By.id("sign-in")).click();
        // the click submits the form; the answer is a new page, which the browser may not have yet
        assertThat(shown(By.cssSelector("[role=alert]")).getText()).contains("That token signs no one in");
        screenshot("sign-in");
        signIn(ADMIN_TOKEN);
        screenshot("overview");
        assertThat(browser.findElement(By.cssSelector("tr[data-workflow='" + workflowName + "'] td.spent")).getText()).startsWith("$");
        // with the event rate (sampled since the engine started) and today's dead letters: the line that was not JSON
        assertThat(browser.findElement(By.cssSelector("tr[data-workflow='" + workflowName + "'] td.rate")).getText())
                .matches("measuring|\\d+\\.\\d/min");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> {
            driver.navigate().refresh();
            return Long.parseLong(driver.findElement(By.cssSelector("tr[data-workflow='" + workflowName + "'] td.dead-today")).getText()) > 0;
        });
        By state = By.cssSelector("tr[data-workflow='" + workflowName + "'] td.state");

        // when the operator pauses the workflow, then resumes it
        browser.findElement(By.cssSelector("button[aria-label='Pause " + workflowName + "']")).click();
        waitFor(state, "Paused");
        browser.findElement(By.cssSelector("button[aria-label='Resume " + workflowName + "']")).click();

        // then the page shows each state in turn
        waitFor(state, "Started");
    }

    @Test
    void should_send_a_dead_letter_back_to_its_topic_when_an_operator_redrives_it() {
        // given an operator on the dead letters, where the line that was not JSON waits
        signIn(ADMIN_TOKEN);
        browser.get(base + "/console/dead-letters");
        WebElement letter = new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> {
            driver.navigate().refresh();
            return driver.findElements(By.cssSelector("tr[data-letter]")).stream().findFirst().orElse(null);
        });
        screenshot("dead-letters");
        assertThat(letter.findElement(By.tagName("pre")).getText()).isEqualTo("not json");
        String position = letter.getAttribute("data-letter");

        // when the operator chooses it and re-drives it
        letter.findElement(By.cssSelector("input[name=record]")).click();
        browser.findElement(By.id("redrive")).click();

        // then it goes back to the events topic, is marked re-driven, and, still not JSON, fails there again
        waitFor(By.id("redrive-message"), "re-driven to console.events.");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> {
            driver.navigate().refresh();
            return driver.findElements(By.cssSelector("tr[data-letter]")).size() == 2;
        });
        assertThat(browser.findElement(By.cssSelector("tr[data-letter='" + position + "'] label")).getText())
                .startsWith("re-driven to console.events.");
    }

    @Test
    void should_show_a_workflow_its_cost_and_the_reports_when_a_viewer_opens_them() throws Exception {
        // given a viewer
        signIn(VIEWER_TOKEN);

        // then the workflow page shows its file, read-only
        browser.findElement(By.linkText(workflowName)).click();
        assertThat(shown(By.id("yaml")).getText()).contains("min_confidence: 0.7", "sink: receiver");
        // and its recent runs, each linking to its lineage
        assertThat(browser.findElement(By.cssSelector("#runs tr[data-event='ev-markup']")).getText()).contains("triage", "review");
        browser.findElement(By.cssSelector("#runs tr[data-event='ev-markup'] a")).click();
        assertThat(shown(By.id("lineage")).getText()).contains("Workflow " + workflowName);
        browser.navigate().back();
        screenshot("workflow");

        // and the cost page shows the model's calls and the workflow's budget
        browser.get(base + "/console/cost");
        assertThat(browser.findElement(By.id("models")).getText()).contains("sim-a/qwen-a");
        assertThat(browser.findElement(By.id("budgets")).getText()).contains(workflowName, "within");
        // and today's spend per model, read back from the audit topic
        // (one row per workflow and model: the draft workflow of another test may sort first)
        assertThat(browser.findElements(By.cssSelector("#days tr[data-day='" + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + "']")))
                .extracting(org.openqa.selenium.WebElement::getText)
                .anySatisfy(row -> assertThat(row).contains(workflowName, "sim-a/qwen-a"));
        screenshot("cost");

        // and the reports page lists the evaluation reports and opens one as text
        browser.get(base + "/console/reports");
        assertThat(browser.findElement(By.id("reports")).getText()).contains("report.md", "report.html");
        screenshot("reports");
        browser.findElement(By.linkText("2026-12-04/report.md")).click();
        waitFor(By.tagName("body"), "accuracy 0.91");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("accuracy 0.91 <script>x</script>");

        // and an HTML report runs no script, and nothing outside the report folders opens
        browser.get(base + "/console/reports");
        browser.findElement(By.linkText("2026-12-04/report.html")).click();
        waitFor(By.tagName("h1"), "Evaluation");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Evaluation");
        assertThat(browser.getTitle()).isNotEqualTo("ran");
        assertThat(get("/console/reports/open?folder=0&path=../../console-users.yaml").statusCode()).isEqualTo(404);
    }

    private void signIn(String token) {
        browser.get(base + "/console/login");
        browser.manage().deleteAllCookies();
        browser.get(base + "/console/login");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(base + "/console"));
        assertThat(browser.manage().getCookieNamed(Console.COOKIE).isHttpOnly()).isTrue();
        assertThat(browser.manage().getCookieNamed(Console.COOKIE).getSameSite()).isEqualTo("Strict");
    }

    private WebElement item(String reviewId) {
        return browser.findElement(By.cssSelector("article[data-review='" + reviewId + "']"));
    }

    /** The element once the page that has it is there: a click that navigates may return before the new page is. */
    private WebElement shown(By element) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(element));
    }

    private void waitFor(By element, String text) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(element, text));
    }

    private String reviewId(String eventId) {
        return ReviewRecords.reviewId(workflowName, "/it", eventId, "triage");
    }

    private Optional<JsonNode> taskOf(String eventId) throws Exception {
        for (String body : receiver.tasks().values()) {
            JsonNode task = JSON.readTree(body);
            if (task.path("eventId").asText().equals(eventId)) {
                return Optional.of(task);
            }
        }
        return Optional.empty();
    }

    private HttpResponse<String> get(String path) throws Exception {
        String cookie = browser.manage().getCookieNamed(Console.COOKIE).getValue();
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", Console.COOKIE + "=" + cookie).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A form post with the browser's session cookie, as another page or script could send it. */
    private HttpResponse<String> post(String path, String form, String origin) throws Exception {
        String cookie = browser.manage().getCookieNamed(Console.COOKIE).getValue();
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", Console.COOKIE + "=" + cookie)
                .header("Origin", origin).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void screenshot(String page) {
        if (Boolean.getBoolean("switchboard.console.screenshots")) {
            try {
                Files.createDirectories(SCREENSHOTS);
                Files.write(SCREENSHOTS.resolve(page + ".png"), ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static String sha256(String token) {
        return HexFormat.of().formatHex(ConsoleUsers.sha256(token));
    }

    /** The ticket with a CloudEvents {@code traceparent}, as a traced caller sends it. */
    private static String traced(String ticket) {
        return ticket.replaceFirst("\\{", "{\"traceparent\":\"00-" + TRACE_ID + "-00f067aa0ba902b7-01\",");
    }

    private static String ticket(String id, String subject, String body) throws Exception {
        return JSON.writeValueAsString(Map.of("specversion", "1.0", "id", id, "source", "/it", "type", "ticket.created",
                "data", Map.of("ticket_id", id, "subject", subject, "body", body))) + "\n";
    }
}

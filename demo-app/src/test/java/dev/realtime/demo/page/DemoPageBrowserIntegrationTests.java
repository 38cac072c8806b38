package dev.realtime.demo.page;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.util.FileSystemUtils;

import dev.realtime.demo.chat.ReceivedMessages;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.typing.TypingManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in a real headless Chromium, against the demo (hub and its own client) on
 * PostgreSQL: the page chats as alice over its own WebSocket while the server-side client
 * ({@code demo}) sends, receives and gets its connection cut. Needs the Debian packages
 * {@code chromium} and {@code chromium-driver}; fails, never skips, without them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.reconnect.initial-delay=3s", "realtime.reconnect.jitter=0" })
class DemoPageBrowserIntegrationTests extends PostgresSchemaSupport {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration WAIT = Duration.ofSeconds(20);

	/**
	 * The demo's own client needs the port before the server has started: fixed, not 0.
	 */
	private static final int PORT = TestSocketUtils.findAvailableTcpPort();

	private static Path profile;

	private static ChromeDriver browser;

	@Autowired
	ReceivedMessages received;

	@Autowired
	TypingManager typing;

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("realtime.url", () -> "ws://localhost:" + PORT + "/realtime");
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			fail("The browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
					+ ": install them with 'apt-get install -y chromium chromium-driver' (Debian, as root)");
		}
		profile = Files.createTempDirectory("demo-page-chromium");
		// explicit paths, so Selenium Manager never looks for (or downloads) a browser or
		// driver
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--window-size=1100,720", "--user-data-dir=" + profile);
		browser = new ChromeDriver(service, options);
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.quit();
			browser = null;
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile);
		}
	}

	@BeforeEach
	void openPageAsAlice() {
		browser.get("http://localhost:" + PORT + "/");
		new Select(browser.findElement(By.id("user"))).selectByValue("alice");
		browser.findElement(By.id("join")).click();
		waitFor().until(ExpectedConditions.textToBe(By.id("connection"), "alice: connected"));
		waitFor().until(ExpectedConditions.textToBe(By.id("client-state"), "CONNECTED"));
	}

	@Test
	void messageTypedInThePageReachesTheServerSideClient() {
		WebElement text = browser.findElement(By.id("text"));
		text.sendKeys("Hello from the browser");
		// typing in the page is a typing indicator for the room's other members
		await().atMost(WAIT).until(() -> this.typing.getTypingUsers("general").contains("alice"));
		browser.findElement(By.id("send")).click();

		await().atMost(WAIT).untilAsserted(() -> assertThat(this.received.all()).anySatisfy((message) -> {
			assertThat(message.event()).isEqualTo("chat.message");
			assertThat(message.payload().path("text").stringValue()).isEqualTo("Hello from the browser");
			assertThat(message.payload().path("user_id").stringValue()).isEqualTo("alice");
		}));
		// the hub sends it back to its sender: the page shows it once the hub has it
		assertThat(authorOf("Hello from the browser")).isEqualTo("alice");
		waitFor().until(presence("demo", "online"));
	}

	@Test
	void messageSentByTheServerSideClientAppearsInThePage() throws IOException {
		this.typing.sendTypingIndicator("general", true);
		waitFor().until(ExpectedConditions.textToBe(By.id("typing"), "demo is typing…"));

		// the panel's form posts to /api/messages: the demo's client sends through its
		// outbox
		browser.findElement(By.id("demo-text")).sendKeys("Hello from the server side");
		browser.findElement(By.id("demo-send")).click();

		assertThat(authorOf("Hello from the server side")).isEqualTo("demo");
		waitFor().until(ExpectedConditions.textToBe(By.id("typing"), ""));
		waitFor().until((driver) -> !driver.findElement(By.id("client-latency")).getText().equals("no acks yet"));
		saveScreenshot();
	}

	@Test
	void cuttingTheServerSideClientShowsItReconnectAndRecover() {
		String reconnects = browser.findElement(By.id("client-reconnects")).getText();
		browser.findElement(By.id("cut")).click();

		waitFor().until(ExpectedConditions.textToBe(By.id("client-state"), "RECONNECTING"));
		waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-error"), "1001"));
		waitFor().until(presence("demo", "offline"));
		waitFor().until(ExpectedConditions.textToBe(By.id("client-state"), "CONNECTED"));
		waitFor().until((driver) -> !driver.findElement(By.id("client-reconnects")).getText().equals(reconnects));
		waitFor().until(presence("demo", "online"));
	}

	private static WebDriverWait waitFor() {
		return new WebDriverWait(browser, WAIT);
	}

	/**
	 * Wait for a message in the page's list and return who wrote it.
	 */
	private static String authorOf(String text) {
		WebElement message = waitFor().until(ExpectedConditions
			.presenceOfElementLocated(By.xpath("//ol[@id='messages']/li[span[@class='text']='" + text + "']")));
		return message.findElement(By.className("author")).getText();
	}

	private static ExpectedCondition<Boolean> presence(String user, String status) {
		return ExpectedConditions.attributeToBe(By.cssSelector("#presence li[data-user='" + user + "']"), "class",
				status);
	}

	/**
	 * Kept as target/demo-page.png, to see what the browser saw when a run needs
	 * explaining.
	 */
	private static void saveScreenshot() throws IOException {
		File shot = browser.getScreenshotAs(OutputType.FILE);
		Files.copy(shot.toPath(), Path.of("target", "demo-page.png"), StandardCopyOption.REPLACE_EXISTING);
	}

}

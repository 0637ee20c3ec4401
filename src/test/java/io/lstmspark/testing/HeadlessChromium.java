package io.lstmspark.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through its WebDriver (Debian's {@code chromium} and {@code chromium-driver}),
 * with a fresh profile and no network of its own. Without a browser the test fails, naming what to install;
 * {@code LSTM_SPARK_NO_BROWSER=1} turns that into a skip, announced on the console.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final String NO_BROWSER_ENV = "LSTM_SPARK_NO_BROWSER";

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser; fails (or, with LSTM_SPARK_NO_BROWSER=1, skips loudly) when there is none. */
    public static HeadlessChromium start() throws IOException {
        File browser = executable("LSTM_SPARK_CHROMIUM", "/usr/bin/chromium");
        File driverBinary = executable("LSTM_SPARK_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!browser.canExecute() || !driverBinary.canExecute()) {
            String missing = "no headless browser: " + (browser.canExecute() ? "" : browser + " ")
                    + (driverBinary.canExecute() ? "" : driverBinary + " ") + "missing. The HTML report's test needs "
                    + "Chromium and its driver: apt-get install -y chromium chromium-driver (.ci/run does), or set "
                    + "LSTM_SPARK_CHROMIUM / LSTM_SPARK_CHROMEDRIVER to their paths";
            if ("1".equals(System.getenv(NO_BROWSER_ENV))) {
                System.err.println("\n" + "*".repeat(100) + "\n* SKIPPED, " + NO_BROWSER_ENV + "=1: " + missing
                        + "\n" + "*".repeat(100) + "\n");
                Assumptions.abort(missing + " (skipped: " + NO_BROWSER_ENV + "=1)");
            }
            fail(missing + "; to skip this test on purpose, set " + NO_BROWSER_ENV + "=1");
        }
        Path profile = Files.createTempDirectory("lstm-spark-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary)
                .usingAnyFreePort().build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    private static File executable(String env, String standard) {
        String given = System.getenv(env);
        return new File(given != null && !given.isBlank() ? given : standard);
    }

    public ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

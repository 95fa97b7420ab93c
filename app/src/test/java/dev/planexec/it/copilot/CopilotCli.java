package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Copilot CLI the tests run, one of the two ends of the range planexec supports: {@link #NEWEST} (1.0.102,
 * the newest tested; {@code PLANEXEC_TEST_COPILOT_CLI}) or {@link #OLDEST} (1.0.50, the oldest supported;
 * {@code PLANEXEC_TEST_COPILOT_OLDEST_CLI}), else where {@code .ci/run} installs it
 * ({@code ~/.cache/planexec-ci/copilot-<version>}). In CI ({@code CI=true}) a missing CLI fails the test; on a
 * developer's machine the test is skipped, saying how to install it.
 */
record CopilotCli(String version, String variable) {
    static final CopilotCli NEWEST = new CopilotCli("1.0.102", "PLANEXEC_TEST_COPILOT_CLI");
    static final CopilotCli OLDEST = new CopilotCli("1.0.50", "PLANEXEC_TEST_COPILOT_OLDEST_CLI");

    /** The newest tested CLI's binary; fails (CI) or skips (elsewhere) the calling test if there is none. */
    static Path require() {
        return NEWEST.binary();
    }

    /** This version's binary; fails (CI) or skips (elsewhere) the calling test if there is none. */
    Path binary() {
        Path cli = find();
        if (cli != null) {
            return cli;
        }
        String how = "the Copilot CLI " + version + " is not installed for the tests: run .ci/run once, or 'npm install"
                + " --prefix ~/.cache/planexec-ci/copilot-" + version + " @github/copilot@" + version + "', or set "
                + variable + " to a copilot " + version + " binary";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(how);
        }
        Assumptions.abort(how);
        return null;
    }

    private Path find() {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? path : null;
        }
        String arch = System.getProperty("os.arch").contains("aarch64") ? "arm64" : "x64";
        Path installed = Path.of(
                System.getProperty("user.home"),
                ".cache",
                "planexec-ci",
                "copilot-" + version,
                "node_modules",
                "@github",
                "copilot-linux-" + arch,
                "copilot");
        return Files.isExecutable(installed) ? installed : null;
    }

    /**
     * The CLI unpacks itself (over 100 MB) into its cache on first run; one cache shared by every test keeps that to
     * once. {@code PLANEXEC_TEST_COPILOT_CACHE}, else a folder under the system's temporary folder.
     */
    static Path sharedCache() {
        String configured = System.getenv("PLANEXEC_TEST_COPILOT_CACHE");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "planexec-test-copilot-cache");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

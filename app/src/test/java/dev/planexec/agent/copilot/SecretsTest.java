package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.store.LogFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path tmp;

    @Test
    void known_secrets_are_masked_wherever_they_appear() {
        Secrets.add(List.of("sk-unit-test-secret-1234", "short"));

        assertEquals(
                "key [redacted] in a url http://x/?k=[redacted]",
                Secrets.redact("key sk-unit-test-secret-1234 in a url http://x/?k=sk-unit-test-secret-1234"));
        assertEquals("a short word stays", Secrets.redact("a short word stays"));
    }

    @Test
    void the_sdks_logging_goes_to_the_log_file_masked_and_never_to_the_terminal() throws Exception {
        Path logFile = tmp.resolve("planexec.log");
        Secrets.add(List.of("sk-unit-test-secret-5678"));
        CopilotLog.install(new LogFile(logFile));
        PrintStream original = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            Logger sdk = Logger.getLogger("com.github.copilot.sdk.CopilotClient");
            sdk.log(
                    Level.SEVERE,
                    "call failed with sk-unit-test-secret-5678",
                    new IllegalStateException("provider rejected sk-unit-test-secret-5678"));
            sdk.fine("Sent: {\"apiKey\":\"sk-unit-test-secret-5678\"}");
        } finally {
            System.setErr(original);
        }

        String log = Files.readString(logFile);
        assertTrue(log.contains("call failed with [redacted]"), log);
        assertTrue(log.contains("IllegalStateException: provider rejected [redacted]"), log);
        assertFalse(log.contains("sk-unit-test-secret-5678"), log);
        assertFalse(log.contains("Sent:"), "the raw JSON-RPC traffic is not logged");
        assertEquals("", stderr.toString(StandardCharsets.UTF_8));
    }
}

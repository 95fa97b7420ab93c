package dev.planexec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copilot servers given badly are refused at the edge: one line, exit code 2, the plan unchanged. */
class CopilotServerOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void a_copilot_url_that_is_not_host_and_port_is_a_usage_error() throws Exception {
        Path plan = plan("");
        byte[] before = Files.readAllBytes(plan);

        CommandRunner.Result r =
                new CommandRunner(tmp.resolve("state")).run("run", plan.toString(), "--copilot-url", "http://x");

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(
                "planexec: Invalid value for option '--copilot-url' (HOST:PORT): \"http://x\" is not HOST:PORT (e.g. "
                        + "127.0.0.1:4321)",
                r.errLines().get(0));
        assertFalse(r.showsStackTrace(), r::toString);
        assertArrayEquals(before, Files.readAllBytes(plan));
    }

    @Test
    void a_plans_copilot_urls_that_are_not_host_and_port_are_named_with_the_file() throws Exception {
        Path plan = plan("  \"copilotUrls\": [\"127.0.0.1:4321\", \"nowhere\"],");
        byte[] before = Files.readAllBytes(plan);

        CommandRunner.Result r = new CommandRunner(tmp.resolve("state")).run("run", plan.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(
                List.of("planexec: " + plan + ": copilotUrls: \"nowhere\" is not HOST:PORT (e.g. 127.0.0.1:4321)"),
                r.errLines());
        assertArrayEquals(before, Files.readAllBytes(plan));
    }

    private Path plan(String extraLine) {
        return Plans.write(
                tmp,
                "servers.json",
                Plans.lines(
                        "{",
                        "  \"id\": \"servers\",",
                        "  \"name\": \"Servers\",",
                        extraLine,
                        "  \"tasks\": [",
                        "    { \"id\": \"ask\", \"title\": \"Ask\", \"description\": \"Do it\", \"status\": \"pending\" }",
                        "  ]",
                        "}"));
    }
}

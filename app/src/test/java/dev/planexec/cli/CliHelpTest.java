package dev.planexec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CliHelpTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(List.of(), "Usage: planexec "),
                Arguments.of(List.of("run"), "Usage: planexec run "),
                Arguments.of(List.of("validate"), "Usage: planexec validate "),
                Arguments.of(List.of("list"), "Usage: planexec list "),
                Arguments.of(List.of("sessions"), "Usage: planexec sessions "),
                Arguments.of(List.of("sessions", "list"), "Usage: planexec sessions list "),
                Arguments.of(List.of("sessions", "clean"), "Usage: planexec sessions clean "),
                Arguments.of(List.of("reset"), "Usage: planexec reset "));
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("commands")
    void help_on_every_command_exits_0(List<String> command, String usage) {
        for (String flag : List.of("--help", "-h")) {
            String[] args = Stream.concat(command.stream(), Stream.of(flag)).toArray(String[]::new);

            Result r = planexec().run(args);

            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith(usage), r::toString);
            assertEquals("", r.err(), r::toString);
        }
    }

    @Test
    void top_level_help_lists_the_commands_and_exit_codes() {
        Result r = planexec().run("--help");

        for (String word : List.of("run", "validate", "list", "sessions", "reset", "130")) {
            assertTrue(r.out().contains(word), () -> word + " missing in\n" + r.out());
        }
    }

    @Test
    void run_help_names_every_option() {
        Result r = planexec().run("run", "--help");

        for (String option : List.of("--agent", "--concurrency", "--plain", "--on-orphans")) {
            assertTrue(r.out().contains(option), () -> option + " missing in\n" + r.out());
        }
        assertTrue(r.out().contains("local, copilot"), r.out());
        assertTrue(r.out().contains("--no-notify"), r.out());
        // No sentence is broken where a description entry ended: only picocli's wrapping breaks lines.
        // A short description line that does not end its sentence is one broken by hand, not by wrapping.
        for (String line : r.outLines()) {
            boolean description = !line.startsWith(" ") && !line.startsWith("Usage:");
            assertFalse(
                    description && line.length() < 60 && !line.endsWith("."),
                    () -> "a sentence broken mid-line: \"" + line + "\" in\n" + r.out());
        }
    }

    @Test
    void version_prints_planexec_and_the_version() {
        for (String flag : List.of("--version", "-V")) {
            Result r = planexec().run(flag);

            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().matches("planexec \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), r::toString);
            assertFalse(r.out().contains("${"), r::toString);
        }
    }

    private CommandRunner planexec() {
        return new CommandRunner(tmp.resolve("home"));
    }
}

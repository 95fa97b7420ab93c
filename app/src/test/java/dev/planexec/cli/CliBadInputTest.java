package dev.planexec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.store.PlanLock;
import dev.planexec.testing.BadPlans;
import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.CommandRunner.Result;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input of every kind ends with exit code 2, a message that says what and where, no stack trace, and the plan
 * file as it was.
 */
class CliBadInputTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> badPlansForEachCommand() {
        return BadPlans.all().flatMap(bad -> Stream.of("validate", "run").map(command -> Arguments.of(command, bad)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badPlansForEachCommand")
    void a_bad_plan_exits_2_with_file_line_and_column_and_stays_unchanged(String command, BadPlans.Case bad)
            throws Exception {
        Path plan = Plans.write(tmp, "plan.json", bad.content());
        byte[] before = Files.readAllBytes(plan);

        Result r = planexec().run(command, plan.toString());

        assertEquals(2, r.exitCode(), r::toString);
        List<String> expected = bad.reportedFor("planexec: " + plan);
        List<String> reported = r.errLines();
        assertEquals(expected.size(), reported.size(), r::toString);
        for (int i = 0; i < expected.size(); i++) {
            if (bad.exact()) {
                assertEquals(expected.get(i), reported.get(i));
            } else {
                assertTrue(reported.get(i).startsWith(expected.get(i)), r::toString);
            }
        }
        assertEquals("", r.out(), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        assertArrayEquals(before, Files.readAllBytes(plan), "the plan file is unchanged");
        assertFalse(Files.exists(PlanLock.lockFileOf(plan)), "no lock is left");
        assertFalse(Files.exists(tmp.resolve("home/sessions")), "no session was made");
    }

    static Stream<Arguments> badFlags() {
        return Stream.of(
                Arguments.of(List.of("run", "PLAN", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("--bogus", "PLAN"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("run", "PLAN", "--concurrency", "0"), "--concurrency: must be at least 1, not 0"),
                Arguments.of(List.of("run", "PLAN", "--concurrency", "-3"), "--concurrency: must be at least 1"),
                Arguments.of(
                        List.of("run", "PLAN", "--concurrency", "x"),
                        "Invalid value for option '--concurrency': 'x' is not an int"),
                Arguments.of(List.of("run", "PLAN", "--agent", "nope"), "--agent: unknown agent \"nope\""),
                Arguments.of(
                        List.of("run", "PLAN", "--on-orphans", "maybe"),
                        "--on-orphans: unknown choice \"maybe\" (expected ask, resume, fresh or clean)"),
                Arguments.of(List.of("run", "PLAN", "--concurrency"), "Missing required parameter for option"),
                Arguments.of(List.of("validate", "PLAN", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("validate", "PLAN", "extra.json"), "Unmatched argument"),
                Arguments.of(List.of("reset", "PLAN", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("reset", "PLAN", "--task", "nope"), "no task \"nope\""),
                Arguments.of(List.of("list", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("sessions", "list", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("sessions", "clean", "--bogus"), "Unknown option: '--bogus'"),
                Arguments.of(List.of("sessions", "clean"), "sessions clean: name a plan, or use --orphaned"),
                Arguments.of(List.of("run"), "Missing required parameter: 'PLAN.json'"),
                Arguments.of(List.of("validate"), "Missing required parameter: 'PLAN.json'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFlags")
    void a_bad_flag_exits_2_with_one_clear_line(List<String> args, String message) throws Exception {
        Path plan = Plans.local("good").task("a", "touch ran").writeTo(tmp);
        byte[] before = Files.readAllBytes(plan);
        String[] argv =
                args.stream().map(a -> a.equals("PLAN") ? plan.toString() : a).toArray(String[]::new);

        Result r = planexec().run(argv);

        assertEquals(2, r.exitCode(), r::toString);
        List<String> err = r.errLines();
        assertTrue(err.get(0).startsWith("planexec: "), r::toString);
        assertTrue(err.get(0).contains(message), r::toString);
        assertTrue(err.size() == 1 || (err.size() == 2 && err.get(1).startsWith("Try '")), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        assertArrayEquals(before, Files.readAllBytes(plan));
        assertFalse(Files.exists(tmp.resolve("ran")), "nothing ran");
    }

    @Test
    void no_arguments_shows_usage_and_exits_2() {
        Result r = planexec().run();

        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("Usage: planexec"), r::toString);
        assertTrue(r.err().contains("planexec: name a plan to run"), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
    }

    @Test
    void a_missing_plan_file_exits_2_naming_it() {
        for (String command : List.of("validate", "run", "reset")) {
            Path missing = tmp.resolve("missing.json");

            Result r = planexec().run(command, missing.toString());

            assertEquals(2, r.exitCode(), r::toString);
            assertEquals(List.of("planexec: " + missing + ": no such file"), r.errLines(), r::toString);
            assertFalse(Files.exists(missing));
        }
    }

    @Test
    void a_missing_plan_without_a_subcommand_exits_2() {
        Path missing = tmp.resolve("missing.json");

        Result r = planexec().run(missing.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(List.of("planexec: " + missing + ": no such file"), r.errLines(), r::toString);
    }

    @Test
    void a_folder_instead_of_a_plan_exits_2_with_one_line() {
        for (String command : List.of("validate", "run", "reset")) {
            Result r = planexec().run(command, tmp.toString());

            assertEquals(2, r.exitCode(), r::toString);
            assertEquals(List.of("planexec: " + tmp + ": is a folder, not a plan file"), r.errLines(), r::toString);
            assertFalse(r.showsStackTrace(), r::toString);
        }
    }

    @Test
    void list_of_a_missing_folder_exits_2() {
        Result r = planexec().run("list", tmp.resolve("nowhere").toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(List.of("planexec: " + tmp.resolve("nowhere") + ": no such folder"), r.errLines());
    }

    @Test
    void a_state_folder_that_cannot_be_made_exits_2_with_advice() throws Exception {
        Path plan = Plans.local("good").task("a", "touch ran").writeTo(tmp);
        Path notAFolder = Files.writeString(tmp.resolve("file"), "");
        Files.setPosixFilePermissions(notAFolder, PosixFilePermissions.fromString("rw-r--r--"));

        Result r = new CommandRunner(notAFolder.resolve("home")).run("run", plan.toString());

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("cannot create the state folder"), r::toString);
        assertTrue(r.err().contains(notAFolder + ": a file is in the way"), r::toString);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(notAFolder)));
        assertTrue(r.err().contains("PLANEXEC_HOME"), r::toString);
        assertFalse(r.showsStackTrace(), r::toString);
        assertFalse(Files.exists(tmp.resolve("ran")));
    }

    private CommandRunner planexec() {
        return new CommandRunner(tmp.resolve("home"));
    }
}

package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.MarkedProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged planexec in a real terminal (tmux, 120x40) opening the full-screen UI: a run watched to its end, and a
 * run stopped with Ctrl+C that leaves the plan saved and the terminal as it found it.
 */
class TuiRunIT extends TuiInTmux {
    @Test
    void watches_the_demo_plan_run_to_the_end_then_q_exits_0() throws Exception {
        Path plan = fixture.demo();

        try (TmuxSession tmux = TmuxSession.start(dir, fixture.launch("plans/demo.json"), 120, 40)) {
            String running = tmux.awaitScreen(
                    s -> s.contains("RUNNING") && Fixture.spinning(s) > 0, START, "a task running with a spinner");
            assertTrue(running.contains(" planexec · Demo: build a tiny static site · local"), running);
            assertTrue(running.contains(" ↑↓ select  Enter output  Tab batches"), running);

            String end = tmux.awaitText("FINISHED: all done", RUN);
            assertTrue(end.contains("8/8 done"), end);
            assertTrue(end.contains("100% FINISHED: all done"), end);
            for (String id : List.of(
                    "setup",
                    "fetch-content",
                    "fetch-assets",
                    "build-index",
                    "render-pages",
                    "check-links",
                    "package",
                    "report")) {
                assertTrue(
                        Pattern.compile("(?m)^✔ " + id + " ").matcher(end).find(), id + " is done on screen:\n" + end);
            }

            tmux.send("q");
            assertEquals(0, tmux.awaitExit(START));
            String after = tmux.screen();
            assertTrue(after.contains("all tasks done: 8/8 done, 0 failed, 0 interrupted, 0 pending"), after);
        }
        Plan done = PlanFiles.load(plan, AgentRegistry.NAMES);
        for (Task task : done.tasks()) {
            assertEquals(TaskStatus.DONE, task.status(), task.id());
        }
        assertEquals(8, Files.readAllLines(dir.resolve("out/demo/content.txt")).size());
    }

    @Test
    void ctrl_c_mid_run_exits_130_with_running_tasks_interrupted_and_the_terminal_left_sane() throws Exception {
        Path plan = fixture.writePlan(
                "stop",
                """
                    { "id": "a", "title": "Task a", "dependsOn": [], "steps": [ "echo started a; sleep 60" ], "status": "pending" },
                    { "id": "b", "title": "Task b", "dependsOn": [], "steps": [ "echo started b; sleep 60" ], "status": "pending" },
                    { "id": "c", "title": "Task c", "dependsOn": ["a"], "steps": [ "echo c" ], "status": "pending" }
                """);
        // After planexec exits: the terminal's settings, then a line typed at a prompt, as a user would.
        String command = "(" + fixture.launch("plan.json") + "; code=$?; stty -a > stty.txt; echo \"[exit $code]\";"
                + " printf 'type here: '; read line; echo \"got <$line>\")";

        try (TmuxSession tmux = TmuxSession.start(dir, command, 120, 40)) {
            tmux.awaitScreen(s -> Fixture.spinning(s) == 2, START, "a and b running");
            Fixture.await(() -> bothRunning(plan), START, "a and b saved in progress");
            assertEquals("1", tmux.display("#{alternate_on}"), "the UI is on the alternate screen");

            tmux.send("C-c");
            assertEquals(130, tmux.awaitExit(RUN));

            String after = tmux.screen();
            assertTrue(
                    after.contains("interrupted; run again to resume: 0/3 done, 0 failed, 2 interrupted, 1 pending"),
                    after);
            assertFalse(after.contains("planexec · Stop"), "the UI's screen is gone:\n" + after);
            assertFalse(after.contains("RUNNING") || after.contains("STOPPING"), after);
            assertEquals("0", tmux.display("#{alternate_on}"), "back on the normal screen");
            assertEquals("1", tmux.display("#{cursor_flag}"), "the cursor is visible again");

            Set<String> modes = new HashSet<>(
                    List.of(Files.readString(dir.resolve("stty.txt")).split("[\\s;]+")));
            for (String mode : List.of("echo", "icanon", "isig", "icrnl", "opost")) {
                assertTrue(modes.contains(mode) && !modes.contains("-" + mode), mode + " is on again: " + modes);
            }
            tmux.send("hello world", "Enter");
            String typed = tmux.awaitText("got <hello world>", START);
            assertTrue(typed.contains("type here: hello world"), "typing echoes:\n" + typed);
        }

        Plan saved = PlanFiles.load(plan, AgentRegistry.NAMES);
        assertEquals(TaskStatus.INTERRUPTED, saved.task("a").orElseThrow().status());
        assertEquals(TaskStatus.INTERRUPTED, saved.task("b").orElseThrow().status());
        assertEquals(TaskStatus.PENDING, saved.task("c").orElseThrow().status());
        List<String> left = fixture.awaitNoMarked(Duration.ofSeconds(5));
        assertTrue(left.isEmpty(), "step processes outlived planexec: " + left);
    }

    private static boolean bothRunning(Path plan) {
        try {
            Plan p = PlanFiles.load(plan, AgentRegistry.NAMES);
            return p.task("a").orElseThrow().status() == TaskStatus.IN_PROGRESS
                    && p.task("b").orElseThrow().status() == TaskStatus.IN_PROGRESS;
        } catch (InvalidPlanException | RuntimeException e) {
            return false;
        }
    }

    /**
     * One test's terminal world: plans written into a temp folder, a launcher script that starts the packaged jar on
     * the full-screen UI (UTF-8, a private {@code PLANEXEC_HOME}, a marker in the environment that every step
     * inherits, its pid written to {@code jvm.pid}), and the means to find and kill what it left running.
     */
    static final class Fixture {
        static final Path JAR = Path.of(System.getProperty("planexec.jar", "target/planexec.jar"));
        static final String JAVA = ProcessHandle.current().info().command().orElse("java");
        private static final String SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

        final Path dir;
        final String marker =
                "tuiit" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

        Fixture(Path dir) throws IOException {
            this.dir = dir;
            String script = "#!/bin/sh\n"
                    + "echo $$ > '" + dir.resolve("jvm.pid") + "'\n"
                    + "export LANG=C.UTF-8 PLANEXEC_HOME='" + dir.resolve("state") + "' TUI_IT_MARKER=" + marker
                    + "\n"
                    + "unset NO_COLOR\n"
                    + "exec '" + JAVA + "' -jar '" + JAR.toAbsolutePath() + "' \"$@\"\n";
            Files.writeString(dir.resolve("launch.sh"), script, StandardCharsets.UTF_8);
        }

        /** The shell command that runs planexec on {@code args} in the terminal. */
        String launch(String args) {
            return "sh launch.sh " + args;
        }

        /**
         * The repository's demo plan, fresh, at {@code plans/demo.json} in the temp folder (its
         * {@code workingDirectory} is {@code ..}, so what it makes lands in the temp folder too).
         */
        Path demo() throws IOException {
            return RepoPlans.freshCopy("demo.json", dir.resolve("plans/demo.json"));
        }

        /** {@code dir/plan.json} with the given tasks (JSON objects, comma separated) on the local agent. */
        Path writePlan(String id, String tasks) throws IOException {
            String json = "{\n  \"id\": \"" + id + "\",\n  \"name\": \"" + Character.toUpperCase(id.charAt(0))
                    + id.substring(1) + "\",\n  \"agent\": \"local\",\n  \"tasks\": [\n" + tasks + "  ]\n}\n";
            Path plan = dir.resolve("plan.json");
            Files.writeString(plan, json, StandardCharsets.UTF_8);
            return plan;
        }

        /** The pid planexec's JVM wrote, once it did. */
        long jvmPid() throws IOException, InterruptedException {
            await(() -> Files.exists(dir.resolve("jvm.pid")), START, "the launcher to write its pid");
            return Long.parseLong(Files.readString(dir.resolve("jvm.pid")).strip());
        }

        /** How many task rows on {@code screen} show the spinner. */
        static long spinning(String screen) {
            return screen.lines()
                    .filter(l -> !l.isEmpty() && SPINNER.indexOf(l.charAt(0)) >= 0)
                    .count();
        }

        /** Live processes whose environment holds the marker: planexec and every step it started. */
        List<String> marked() {
            return MarkedProcesses.alive(marker).stream()
                    .map(MarkedProcesses.Found::toString)
                    .toList();
        }

        List<String> awaitNoMarked(Duration timeout) {
            return MarkedProcesses.awaitNone(marker, java.util.Set.of(), timeout).stream()
                    .map(MarkedProcesses.Found::toString)
                    .toList();
        }

        /** Kills whatever the test's runs left, whether or not the test passed. */
        void killMarked() {
            MarkedProcesses.killAll(marker);
        }

        static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                Thread.sleep(20);
            }
        }

        static String sessionDirs(Path dir) throws IOException {
            Path sessions = dir.resolve("state/sessions");
            if (!Files.isDirectory(sessions)) {
                return "";
            }
            try (Stream<Path> s = Files.list(sessions)) {
                return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(" "));
            }
        }
    }
}

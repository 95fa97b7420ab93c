package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --on-orphans ask} (the default) on a real terminal: after a run is killed with {@code kill -9}, the next run
 * in tmux lists the orphaned tasks and asks r/f/c per task or R/F/C for all, and does what was chosen.
 */
class OrphanPromptIT {
    private static final Path JAR = Path.of(System.getProperty("planexec.jar", "target/planexec.jar"));
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @TempDir
    Path dir;

    @BeforeAll
    static void tmuxIsInstalled() throws InterruptedException {
        TmuxSession.requireTmux();
    }

    @Test
    void asks_per_task_then_resumes_one_and_cleans_up_the_other() throws Exception {
        Path plan = writePlan();
        Plan crashed = crashWhileBothTasksRun(plan);
        String sessionA = crashed.task("a").orElseThrow().sessionId();
        String sessionB = crashed.task("b").orElseThrow().sessionId();
        Files.createFile(dir.resolve("fast"));

        try (TmuxSession tmux = TmuxSession.start(dir, command(plan), 120, 40)) {
            String screen = tmux.awaitText("[r/f/c/R/F/C]", Duration.ofSeconds(30));
            assertTrue(screen.contains("2 tasks were left unfinished"), screen);
            assertTrue(screen.contains(sessionA) && screen.contains(sessionB), screen);
            assertTrue(screen.contains("session exists"), screen);
            tmux.send("r", "Enter");
            tmux.awaitScreen(s -> s.contains("b (Task b) [r/f/c/R/F/C]"), Duration.ofSeconds(10), "the question for b");
            tmux.send("c", "Enter");
            assertEquals(1, tmux.awaitExit(Duration.ofSeconds(60)), "Clean Up leaves b pending: not all done");
        }

        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        Task a = after.task("a").orElseThrow();
        Task b = after.task("b").orElseThrow();
        assertEquals(TaskStatus.DONE, a.status());
        assertEquals(sessionA, a.sessionId(), "Resume keeps the session");
        assertEquals(TaskStatus.PENDING, b.status());
        assertNull(b.sessionId());
        assertTrue(Files.notExists(dir.resolve("state/sessions").resolve(sessionB)), "Clean Up removed the session");
        assertEquals(1, lines(dir.resolve("done-a")), "a ran its step once after the resume");
        assertTrue(Files.notExists(dir.resolve("done-b")), "a cleaned-up task does not run");
    }

    @Test
    void capital_letter_applies_the_choice_to_every_task() throws Exception {
        Path plan = writePlan();
        Plan crashed = crashWhileBothTasksRun(plan);
        Files.createFile(dir.resolve("fast"));

        try (TmuxSession tmux = TmuxSession.start(dir, command(plan), 120, 40)) {
            tmux.awaitText("[r/f/c/R/F/C]", Duration.ofSeconds(30));
            tmux.send("F", "Enter");
            assertEquals(0, tmux.awaitExit(Duration.ofSeconds(60)));
        }
        Plan after = PlanFiles.load(plan, AgentRegistry.NAMES);
        for (String id : new String[] {"a", "b"}) {
            Task t = after.task(id).orElseThrow();
            assertEquals(TaskStatus.DONE, t.status());
            assertNotNull(t.sessionId());
            assertTrue(!t.sessionId().equals(crashed.task(id).orElseThrow().sessionId()), "Start Fresh: new session");
        }
    }

    private String command(Path plan) {
        return "PLANEXEC_HOME=" + dir.resolve("state") + " '" + JAVA + "' -jar '" + JAR.toAbsolutePath() + "' run '"
                + plan + "' --plain";
    }

    /** Runs the plan in line mode and kills it with SIGKILL once both tasks are saved in progress. */
    private Plan crashWhileBothTasksRun(Path plan) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        JAVA, "-jar", JAR.toAbsolutePath().toString(), "run", plan.toString(), "--plain")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("first-run.log").toFile());
        builder.environment().put("PLANEXEC_HOME", dir.resolve("state").toString());
        Process run = builder.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Plan p = PlanFiles.load(plan, AgentRegistry.NAMES);
                if (p.tasks().stream().allMatch(t -> t.status() == TaskStatus.IN_PROGRESS)
                        && Files.exists(dir.resolve("started-a"))
                        && Files.exists(dir.resolve("started-b"))) {
                    run.destroyForcibly(); // SIGKILL: no shutdown hook, no last save
                    run.waitFor(10, TimeUnit.SECONDS);
                    return PlanFiles.load(plan, AgentRegistry.NAMES);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("both tasks never ran; log:\n" + Files.readString(dir.resolve("first-run.log")));
        } finally {
            run.destroyForcibly();
        }
    }

    private Path writePlan() throws IOException {
        String step = "touch started-%1$s; [ -f fast ] || sleep 30; echo x >> done-%1$s";
        String json =
                """
                {
                  "id": "prompt",
                  "name": "Orphan prompt",
                  "agent": "local",
                  "tasks": [
                    { "id": "a", "title": "Task a", "dependsOn": [], "steps": [ "%s" ], "status": "pending" },
                    { "id": "b", "title": "Task b", "dependsOn": [], "steps": [ "%s" ], "status": "pending" }
                  ]
                }
                """
                        .formatted(step.formatted("a"), step.formatted("b"));
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, json, StandardCharsets.UTF_8);
        return plan;
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }
}
